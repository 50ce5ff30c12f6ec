/** Column detection for tabular imports: the rules live in common/import/columns.ts (the client's import preview uses them too). */
export {
  COLUMN_ROLES,
  OVERRIDABLE_ROLES,
  detectColumns,
  findHeaderRow,
  headerKey,
  parseOverrides,
  roleOfHeader,
  rolesByColumn,
  type ColumnMap,
  type ColumnOverrides,
  type ColumnRole,
  type OverridableRole,
} from '../../common/import/columns';

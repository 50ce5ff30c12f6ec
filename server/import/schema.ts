/** JSON schema of an import report (ImportReport in import-file.ts), shared by the upload routes. */
export const importReportSchema = {
  type: 'object',
  description: 'Import report (server/import/import-file.ts ImportReport)',
  additionalProperties: true,
  properties: {
    jobId: { type: 'string' },
    file: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    datum: { type: 'string' },
    dryRun: { type: 'boolean' },
    read: { type: 'integer' },
    imported: { type: 'integer' },
    rejected: { type: 'integer' },
    skipped: { type: 'integer' },
    rejections: {
      type: 'array',
      items: { type: 'object', properties: { feature: { type: 'string' }, problem: { type: 'string' } }, additionalProperties: true },
    },
    warnings: { type: 'array', items: { type: 'string' } },
    gridsAssigned: { type: 'integer', description: 'incidents only: incidents given a grid code after the import' },
  },
} as const;

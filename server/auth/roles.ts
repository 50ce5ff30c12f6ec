/** The five roles of Wangge (common/http/roles.ts, shared with the client). Access rules live in ./policy, scope rules in ./scope. */
export { ROLES, isRole, type Role, type SessionUser } from '../../common/http/roles';

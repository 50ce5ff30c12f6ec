/**
 * Errors that mean "the database server is unreachable or went away" (not "this request is
 * wrong"): the PostgreSQL server stopped, restarted or terminated our connection. Requests then
 * get 503 (server/plugins/errors.ts), /api/health says the database is down, and jobs wait for it
 * to return and run again (server/jobs/runner.ts).
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[] };
  const code = typeof e.code === 'string' ? e.code : '';
  // 57P01 admin_shutdown (pg_terminate_backend, fast stop), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up / shutting down), class 08 connection exceptions
  if (NODE_CODES.has(code) || /^57P0[123]$/.test(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  if (
    /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|the database system is (shutting down|starting up|in recovery mode)/i.test(
      msg,
    )
  )
    return true;
  // AggregateError of a failed connect to several addresses (localhost → ::1 and 127.0.0.1)
  return Array.isArray(e.errors) && e.errors.some(isConnectionError);
}

/** The 503 message shown to users while the database is away (zh-CN first, like the others). */
export const DB_UNAVAILABLE_MESSAGE = '数据库暂时无法连接，请稍后重试；恢复后无需重启服务 (the database is unavailable; try again shortly)';

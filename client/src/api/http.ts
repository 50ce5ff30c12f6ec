/**
 * The transport under every endpoint module of client/src/api/: same-origin URLs, the CSRF header on
 * writes, JSON in and out, one error type (its message in the UI's language), and the 401 hook the
 * login screen registers. Endpoint
 * modules import this; nothing here imports them (imports point one way).
 */
import { getLang } from '../i18n';
import { serverMessage } from '../i18n/server-message';

export type { FC, Props } from '../../../common/http/geojson';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

/** Absolute URL on our own server. */
export function ourUrl(path: string): string {
  return new URL(path, globalThis.location?.origin ?? 'http://localhost').href;
}

/** The CSRF token the server set at sign-in (readable cookie), echoed on every write. */
export function csrfHeaders(): Record<string, string> {
  const m = /(?:^|;\s*)wangge_csrf=([^;]+)/.exec(globalThis.document?.cookie ?? '');
  return m ? { 'x-csrf-token': decodeURIComponent(m[1]) } : {};
}

/** Called when the server answers 401 (session expired): the login screen registers itself here. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const url = ourUrl(path);
  const write = !!init?.method && init.method.toUpperCase() !== 'GET';
  const res = await fetch(url, {
    ...init,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(write ? csrfHeaders() : {}), ...(init?.headers ?? {}) },
  });
  if (res.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/session')) onUnauthorized?.();
  if (!res.ok) {
    let msg = res.statusText;
    try {
      const body = (await res.json()) as { message?: string; error?: string };
      msg = body.message ?? body.error ?? msg;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, url, serverMessage(msg, getLang()));
  }
  return (await res.json()) as T;
}

export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return getJson<T>(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

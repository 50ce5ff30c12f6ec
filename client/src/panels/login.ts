/**
 * Sign-in gate: asks the server whether sign-in is required (/api/session); if so and nobody is
 * signed in, shows the login form over the page and resolves once the user is in. In development
 * the demo accounts are listed (click one to fill the form); production lists none.
 */
import { api, ApiError, setUnauthorizedHandler, type SessionInfo, type SessionUser } from '../api';
import { t, type MessageKey } from '../i18n';
import { h } from './dom';

export async function ensureSignedIn(): Promise<SessionInfo> {
  const session = await api.session();
  // a session that expires later sends the user back through this gate
  setUnauthorizedHandler(() => location.reload());
  if (!session.enforced || session.user) return session;
  const user = await showLoginForm(session);
  return { ...session, user };
}

function showLoginForm(session: SessionInfo): Promise<SessionUser> {
  return new Promise((resolve) => {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
    const error = h('div', { class: 'login-error', role: 'alert', 'data-testid': 'login-error' });
    const submit = h('button', { type: 'submit', class: 'login-submit', 'data-testid': 'login-submit' }, t('login.submit'));
    const form = h(
      'form',
      { class: 'login-card' },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark' }, '网'), h('span', {}, t('app.title'))),
      h('h1', {}, t('login.title')),
      h('label', {}, t('login.username'), username),
      h('label', {}, t('login.password'), password),
      error,
      submit,
    );
    if (session.demoAccounts.length) {
      const list = h('div', { class: 'login-demo' }, h('div', { class: 'login-demo-title' }, t('login.demo')));
      for (const a of session.demoAccounts) {
        const btn = h(
          'button',
          { type: 'button', class: 'login-demo-account', 'data-testid': `login-demo-${a.role}` },
          `${t(`role.${a.role}` as MessageKey)} · ${a.username}`,
        );
        btn.addEventListener('click', () => {
          username.value = a.username;
          password.value = a.password;
        });
        list.append(btn);
      }
      form.append(list);
    }
    const overlay = h('div', { class: 'login-overlay', 'data-testid': 'login' }, form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      api
        .login(username.value.trim(), password.value)
        .then(({ user }) => {
          overlay.remove();
          resolve(user);
        })
        .catch((err: unknown) => {
          error.textContent = err instanceof ApiError && err.status === 401 ? t('login.failed') : String(err instanceof Error ? err.message : err);
        })
        .finally(() => {
          submit.disabled = false;
        });
    });
    document.body.append(overlay);
    username.focus();
  });
}

/** The signed-in user's name and role with a sign-out button (header, right). */
export function userChip(user: SessionUser | null): HTMLElement {
  const chip = h('div', { id: 'user-chip', class: 'user-chip' });
  if (!user) return chip;
  const out = h('button', { type: 'button', class: 'logout-btn', 'data-testid': 'logout' }, t('user.logout'));
  out.addEventListener('click', () => {
    // cached API answers (the service worker's, for offline use) may hold the grid's households: drop them
    navigator.serviceWorker?.controller?.postMessage('clear');
    void api.logout().finally(() => location.reload());
  });
  chip.append(
    h('span', { class: 'user-name', title: user.username }, user.displayName ?? user.username),
    h('span', { class: 'user-role' }, t(`role.${user.role}` as MessageKey)),
    out,
  );
  return chip;
}

/**
 * User management (admin): the users with role, scope and state; create a user; change role,
 * name and scope (sub-districts, grids); disable / enable; reset the password. The server's
 * messages (weak password, duplicate name…) are shown in the form that caused them.
 */
import { api } from '../../api';
import { ROLES, usersApi, type Role, type UserRecord } from '../../api/users';
import { getLang, t, type MessageKey, joinList } from '../../i18n';
import { h } from '../../panels/dom';
import type { Busy } from '../../panels/busy';

interface Sub {
  id: string;
  name: string;
}

interface UsersState {
  busy: Busy;
  root: HTMLElement;
  users: UserRecord[];
  subs: Sub[];
  /** The open form: 'new', a user id, or null. */
  editing: 'new' | number | null;
  flash: string;
}

const roleLabel = (r: string) => t(`role.${r}` as MessageKey);
const parseCodes = (s: string) =>
  s
    .split(/[\s,，、;；]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function scopeText(u: UserRecord, subs: Sub[]): string {
  const name = (id: string) => subs.find((s) => s.id === id)?.name ?? (id.length === 6 ? t('admin.district') : id);
  const parts = [...u.subdistricts.map(name), ...u.grids.map((g) => t('admin.gridCode', { code: g }))];
  return parts.length ? joinList(parts) : t('admin.noScope');
}

function status(testid: string): HTMLElement {
  return h('p', { class: 'ad-status', role: 'status', 'data-testid': testid });
}
function say(el: HTMLElement, text: string, error = false): void {
  el.textContent = text;
  el.classList.toggle('error', error);
}

/** Role select, name, sub-district checkboxes (the district first) and grid codes. */
function scopeFields(st: UsersState, u: Partial<UserRecord>) {
  const role = h('select', { class: 'ad-input', name: 'role', 'data-testid': 'admin-user-role' });
  for (const r of ROLES) role.append(h('option', { value: r, selected: r === (u.role ?? 'planner') }, roleLabel(r)));
  const displayName = h('input', { class: 'ad-input', name: 'displayName', maxlength: '100', value: u.displayName ?? '', 'data-testid': 'admin-user-name' });
  // the district is the one of the loaded sub-districts; before any boundary import the codes are typed
  const district = st.subs[0]?.id.slice(0, 6) ?? null;
  const boxes = h('div', { class: 'ad-checks', 'data-testid': 'admin-user-subdistricts' });
  const typed = h('input', {
    class: 'ad-input',
    name: 'codes',
    value: district ? '' : (u.subdistricts ?? []).join(', '),
    placeholder: t('admin.codesPh'),
    'data-testid': 'admin-user-codes',
  });
  if (!district) boxes.append(typed);
  for (const s of district ? [{ id: district, name: t('admin.district') }, ...st.subs] : []) {
    const cb = h('input', { type: 'checkbox', value: s.id, checked: (u.subdistricts ?? []).includes(s.id), 'data-testid': `admin-sub-${s.id}` });
    boxes.append(h('label', { class: 'ad-check' }, cb, s.name));
  }
  const grids = h('input', {
    class: 'ad-input',
    name: 'grids',
    value: (u.grids ?? []).join(', '),
    placeholder: t('admin.gridsPh'),
    'data-testid': 'admin-user-grids',
  });
  const fields = [
    h('label', { class: 'ad-label' }, t('admin.displayName'), displayName),
    h('label', { class: 'ad-label' }, t('admin.role'), role),
    h('div', { class: 'ad-label' }, t('admin.subdistricts'), boxes),
    h('label', { class: 'ad-label' }, t('admin.grids'), grids),
  ];
  const values = () => ({
    role: role.value as Role,
    displayName: displayName.value.trim(),
    subdistricts: district ? [...boxes.querySelectorAll<HTMLInputElement>('input:checked')].map((x) => x.value) : parseCodes(typed.value),
    grids: parseCodes(grids.value),
  });
  return { fields, values };
}

function newUserForm(st: UsersState): HTMLElement {
  const username = h('input', { class: 'ad-input', name: 'username', autocomplete: 'off', 'data-testid': 'admin-user-username' });
  const password = h('input', { class: 'ad-input', name: 'password', type: 'password', autocomplete: 'new-password', 'data-testid': 'admin-user-password' });
  const scope = scopeFields(st, {});
  const msg = status('admin-user-status');
  const submit = h('button', { type: 'submit', class: 'ad-btn primary', 'data-testid': 'admin-user-create' }, t('admin.create'));
  const cancel = h('button', { type: 'button', class: 'ad-btn' }, t('admin.cancel'));
  cancel.addEventListener('click', () => close(st));
  const form = h(
    'form',
    { class: 'ad-form', 'data-testid': 'admin-user-form', novalidate: true },
    h('h3', { class: 'ad-h3' }, t('admin.newUser')),
    h('label', { class: 'ad-label' }, t('admin.username'), username),
    h('label', { class: 'ad-label' }, t('admin.password'), password),
    ...scope.fields,
    h('div', { class: 'ad-row' }, submit, cancel),
    msg,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = scope.values();
    if (!username.value.trim()) return say(msg, t('admin.needUsername'), true);
    submit.disabled = true;
    say(msg, t('admin.saving'));
    st.busy
      .track(
        usersApi.create({
          username: username.value.trim(),
          password: password.value,
          role: v.role,
          ...(v.displayName ? { displayName: v.displayName } : {}),
          subdistricts: v.subdistricts,
          grids: v.grids,
        }),
        'admin.saving',
      )
      .then((u) => reload(st, null, t('admin.created', { user: u.username })))
      .catch((err: unknown) => say(msg, errText(err), true))
      .finally(() => (submit.disabled = false));
  });
  return form;
}

function editUserForm(st: UsersState, u: UserRecord): HTMLElement {
  const scope = scopeFields(st, u);
  const msg = status('admin-user-status');
  const save = h('button', { type: 'submit', class: 'ad-btn primary', 'data-testid': 'admin-user-save' }, t('admin.save'));
  const toggle = h(
    'button',
    { type: 'button', class: `ad-btn${u.active ? ' danger' : ''}`, 'data-testid': 'admin-user-toggle' },
    u.active ? t('admin.disable') : t('admin.enable'),
  );
  const pw = h('input', {
    class: 'ad-input',
    type: 'password',
    autocomplete: 'new-password',
    placeholder: t('admin.newPassword'),
    'data-testid': 'admin-user-newpass',
  });
  const reset = h('button', { type: 'button', class: 'ad-btn', 'data-testid': 'admin-user-reset' }, t('admin.resetPassword'));
  const cancel = h('button', { type: 'button', class: 'ad-btn' }, t('admin.close'));
  cancel.addEventListener('click', () => close(st));
  const run = (btn: HTMLButtonElement, work: Promise<UserRecord>, done: string) => {
    btn.disabled = true;
    say(msg, t('admin.saving'));
    st.busy
      .track(work, 'admin.saving')
      .then(() => reload(st, u.id, done))
      .catch((err: unknown) => say(msg, errText(err), true))
      .finally(() => (btn.disabled = false));
  };
  toggle.addEventListener('click', () => {
    if (u.active && !confirm(t('admin.disableConfirm', { user: u.username }))) return;
    run(toggle, usersApi.update(u.id, { active: !u.active }), t(u.active ? 'admin.disabled' : 'admin.enabled', { user: u.username }));
  });
  reset.addEventListener('click', () => {
    if (!pw.value) return say(msg, t('admin.needPassword'), true);
    run(reset, usersApi.update(u.id, { password: pw.value }), t('admin.passwordReset', { user: u.username }));
  });
  const form = h(
    'form',
    { class: 'ad-form', 'data-testid': 'admin-user-form', 'data-user': u.username, novalidate: true },
    h(
      'h3',
      { class: 'ad-h3' },
      t('admin.editUser', { user: u.username }),
      h('span', { class: `ad-pill${u.active ? '' : ' off'}` }, u.active ? t('admin.active') : t('admin.inactive')),
      u.demo ? h('span', { class: 'ad-tag' }, t('admin.demo')) : null,
    ),
    ...scope.fields,
    h('div', { class: 'ad-row' }, save, toggle, cancel),
    h('div', { class: 'ad-label' }, t('admin.resetPassword'), h('div', { class: 'ad-row' }, pw, reset)),
    msg,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = scope.values();
    run(
      save,
      usersApi.update(u.id, { role: v.role, displayName: v.displayName || null, subdistricts: v.subdistricts, grids: v.grids }),
      t('admin.saved', { user: u.username }),
    );
  });
  return form;
}

function close(st: UsersState): void {
  st.editing = null;
  st.flash = '';
  render(st);
}

async function reload(st: UsersState, editing: UsersState['editing'], flash: string): Promise<void> {
  st.users = await st.busy.track(usersApi.list(), 'admin.loading');
  st.editing = editing;
  st.flash = flash;
  render(st);
}

function render(st: UsersState): void {
  const add = h('button', { type: 'button', class: 'ad-btn primary', 'data-testid': 'admin-user-new' }, t('admin.newUser'));
  add.addEventListener('click', () => {
    st.editing = 'new';
    st.flash = '';
    render(st);
  });
  const rows = st.users.map((u) =>
    h(
      'tr',
      { class: `ad-user${u.active ? '' : ' off'}${st.editing === u.id ? ' sel' : ''}`, 'data-user': u.username, tabindex: '0' },
      h('td', {}, h('div', { class: 'ad-strong' }, u.username), h('div', { class: 'ad-muted' }, u.displayName ?? '')),
      h('td', {}, roleLabel(u.role)),
      h('td', { class: 'ad-scope' }, scopeText(u, st.subs)),
      h(
        'td',
        { 'data-testid': 'admin-user-state' },
        h('span', { class: `ad-pill${u.active ? '' : ' off'}` }, u.active ? t('admin.active') : t('admin.inactive')),
      ),
    ),
  );
  rows.forEach((tr, i) => {
    const open = () => {
      st.editing = st.users[i].id;
      st.flash = '';
      render(st);
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && open());
  });
  const editing = st.editing === 'new' ? newUserForm(st) : typeof st.editing === 'number' ? st.users.find((u) => u.id === st.editing) : null;
  const flash = h('p', { class: 'ad-status', role: 'status', 'data-testid': 'admin-flash' }, st.flash);
  st.root.replaceChildren(
    h('div', { class: 'ad-head' }, h('h2', { class: 'ad-h2' }, t('admin.users', { n: st.users.length })), add),
    flash,
    editing instanceof HTMLElement ? editing : editing ? editUserForm(st, editing) : '',
    h(
      'table',
      { class: 'ad-table', 'data-testid': 'admin-users' },
      h('thead', {}, h('tr', {}, h('th', {}, t('admin.username')), h('th', {}, t('admin.role')), h('th', {}, t('admin.scope')), h('th', {}, t('admin.state')))),
      h('tbody', {}, ...rows),
    ),
  );
}

/** Draws the user management into `root`; resolves once the list is shown. */
export async function mountUsers(root: HTMLElement, busy: Busy): Promise<void> {
  const [users, subsFc] = await Promise.all([busy.track(usersApi.list(), 'admin.loading'), api.subdistricts().catch(() => null)]);
  const subs = (subsFc?.features ?? [])
    .map((f) => ({ id: String(f.properties?.id), name: String((getLang() === 'en' ? f.properties?.name_en : null) ?? f.properties?.name ?? f.properties?.id) }))
    .sort((a, b) => a.id.localeCompare(b.id));
  render({ busy, root, users, subs, editing: null, flash: '' });
}

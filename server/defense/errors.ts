import type { MemberChange } from '../../common/http/groups';

export type { MemberChange };

export class StaleGroupsError extends Error {
  readonly statusCode = 409;
  constructor(
    readonly current: number,
    readonly base: number,
    readonly changedSince: MemberChange[],
  ) {
    super(
      `联防分组已被他人修改（当前版本 ${current}，您的修改基于版本 ${base}），请刷新后重试。 (the joint-defence grouping was changed by someone else: current version ${current}, your edit is based on version ${base}; refresh and try again)`,
    );
  }
  get details(): Record<string, unknown> {
    return { current: this.current, base: this.base, changedSince: this.changedSince };
  }
}

export class StaleRowError extends Error {
  readonly statusCode = 409;
  constructor(
    message: string,
    readonly currentRow: Record<string, unknown> | null,
  ) {
    super(message);
  }
  get details(): Record<string, unknown> {
    return { row: this.currentRow };
  }
}

import { NotFoundError } from '../errors';
export { NotFoundError };

export class BadRequestError extends Error {
  readonly statusCode = 422;
}

/** Today's date and quarter in Shanghai time (UTC+8, no daylight saving): what a visit or an entry is dated against. */
import { quarterOf } from './rules';

const SHANGHAI_MS = 8 * 3600e3;

export function shanghaiToday(now = Date.now()): string {
  return new Date(now + SHANGHAI_MS).toISOString().slice(0, 10);
}

export function shanghaiQuarter(now = Date.now()): string {
  return quarterOf(new Date(now + SHANGHAI_MS));
}

/**
 * What is wrong with a grid's "1+3" staffing (1 grid leader + 3 grid members), in the UI's
 * language: the server's `problem` text is Chinese only, so the panels word it from the counts.
 */
import { joinClauses, t } from '../../i18n';

/** null when the grid has 1 leader and 3 members. */
export function staffingProblemText(leaders: number, members: number): string | null {
  const p: string[] = [];
  if (leaders === 0) p.push(t('plan.staffIssue.noLeader'));
  if (leaders > 1) p.push(t('plan.staffIssue.leaders', { n: leaders }));
  if (members < 3) p.push(t('plan.staffIssue.membersShort', { n: members, d: 3 - members }));
  if (members > 3) p.push(t('plan.staffIssue.membersOver', { n: members, d: members - 3 }));
  return p.length ? joinClauses(p) : null;
}

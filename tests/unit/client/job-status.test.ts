/**
 * The status line of a queued job (issue 16, section 2): progress with the run number when the
 * queue ran it again, the wait while queued, and the dead-letter state with the last error, in both
 * languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../../client/src/i18n';
import { jobFailureText, jobProgressText } from '../../../client/src/views/plan/job-status';

describe('job status text', () => {
  afterEach(() => setLang('zh-CN'));

  it('shows the dead-letter state with the last error; a plain failure is its message', () => {
    const dead = { status: 'failed', progress: 0, message: '未知的街道编码：340802916', attempts: 3, dead_letter: true };
    expect(jobFailureText(dead)).toBe('3 次运行均失败，任务已转入死信队列（不再重试）。最后的错误：未知的街道编码：340802916');
    setLang('en');
    expect(jobFailureText(dead)).toBe('All 3 runs failed; the job is in the dead-letter queue (no more retries). Last error: 未知的街道编码：340802916');
    expect(jobFailureText({ status: 'failed', progress: 0, message: 'boom', attempts: 1, dead_letter: false })).toBe('boom');
  });

  it('says queued, and which run is running after a retry', () => {
    expect(jobProgressText({ status: 'queued', progress: 0, message: null })).toBe('排队中，等待工作进程……');
    expect(jobProgressText({ status: 'queued', progress: 0, message: '第 1/3 次运行失败，将自动重试：x' })).toBe(
      '排队中，等待工作进程…… 第 1/3 次运行失败，将自动重试：x',
    );
    expect(jobProgressText({ status: 'running', progress: 0.42, message: 'grids', attempts: 1 })).toBe('42% · grids');
    setLang('en');
    expect(jobProgressText({ status: 'running', progress: 0.5, message: 'grids', attempts: 2 })).toBe('50% · run 2 · grids');
  });
});

import { describe, expect, it } from 'vitest';
import { shortGridCodes } from '../../../client/src/views/party/format';

describe('shortGridCodes: grid codes as short as they stay unique in a list', () => {
  it('known answers', () => {
    const one = ['340802001001001', '340802001001002', '340802001002001'];
    expect(one.map(shortGridCodes(one))).toEqual(['001001', '001002', '002001']);
    // two sub-districts with the same community + grid numbers: the sub-district's own 3 digits join
    const two = ['340802001001001', '340802002001001'];
    expect(two.map(shortGridCodes(two))).toEqual(['001001001', '002001001']);
    // two counties: whole
    const far = ['340802001001001', '340803001001001'];
    expect(far.map(shortGridCodes(far))).toEqual(far);
    expect(shortGridCodes([])('340802001001001')).toBe('001001');
  });
});

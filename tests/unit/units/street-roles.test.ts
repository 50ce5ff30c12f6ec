import { describe, expect, it } from 'vitest';
import { lineRole, parseOtherTags } from '../../../server/algorithms/units/street-roles';

describe('street roles (what a line does to land)', () => {
  it('parses ogr2ogr other_tags', () => {
    expect(parseOtherTags('"bridge"=>"yes","layer"=>"1","name:en"=>"A \\"quoted\\" road"')).toEqual({
      bridge: 'yes',
      layer: '1',
      'name:en': 'A "quoted" road',
    });
    expect(parseOtherTags(null)).toEqual({});
  });
  it('major and minor streets divide land; tunnels, elevated roads, service roads and footways do not', () => {
    expect(lineRole({ highway: 'primary' })).toEqual({ role: 'major' });
    expect(lineRole({ highway: 'tertiary_link' })).toEqual({ role: 'major' });
    expect(lineRole({ highway: 'residential' })).toEqual({ role: 'minor' });
    expect(lineRole({ highway: 'primary', other_tags: '"tunnel"=>"yes"' })).toEqual({ skip: 'tunnel' });
    expect(lineRole({ highway: 'secondary', other_tags: '"layer"=>"-1"' })).toEqual({ skip: 'tunnel' });
    expect(lineRole({ highway: 'trunk', other_tags: '"bridge"=>"yes"' })).toEqual({ skip: 'elevated' });
    expect(lineRole({ highway: 'primary', other_tags: '"bridge"=>"yes","layer"=>"2"' })).toEqual({ skip: 'elevated' });
    expect(lineRole({ highway: 'primary', other_tags: '"bridge"=>"yes","layer"=>"1"' })).toEqual({ role: 'major' });
    expect(lineRole({ highway: 'service' })).toEqual({ skip: 'highway=service' });
    expect(lineRole({ highway: 'footway' })).toEqual({ skip: 'highway=footway' });
    expect(lineRole({ other_tags: '"railway"=>"rail"' })).toEqual({ role: 'rail' });
    expect(lineRole({ other_tags: '"railway"=>"subway"' })).toEqual({ skip: 'railway=subway' });
    expect(lineRole({ waterway: 'river' })).toEqual({ role: 'water' });
    expect(lineRole({ kind: 'major_road', kind_detail: 'secondary', is_tunnel: true })).toEqual({ skip: 'tunnel' });
    expect(lineRole({ class: 'arterial' })).toEqual({ role: 'major' });
    expect(lineRole({ other_tags: '"power"=>"line"' })).toEqual({ skip: 'not a street' });
  });
});

import { describe, expect, it } from 'vitest';
import { buildingFloors, buildingHeight, buildingUse, classifyStreet, incidentType, onewayOf, shopCategory } from '../../../server/import/classify';
import { parseTime } from '../../../server/import/rows';

describe('street classes', () => {
  it('maps OSM highway=* to our classes', () => {
    const expected: Record<string, string> = {
      motorway: 'arterial',
      trunk: 'arterial',
      primary: 'arterial',
      primary_link: 'arterial',
      secondary: 'secondary',
      tertiary: 'secondary',
      tertiary_link: 'secondary',
      residential: 'local',
      unclassified: 'local',
      service: 'local',
      living_street: 'local',
      footway: 'path',
      path: 'path',
      steps: 'path',
      cycleway: 'path',
      pedestrian: 'lane',
      track: 'lane',
    };
    for (const [highway, cls] of Object.entries(expected)) expect(classifyStreet({ highway })).toEqual({ class: cls });
    expect(classifyStreet({ highway: 'service', service: 'alley' })).toEqual({ class: 'lane' });
    expect(classifyStreet({ highway: 'proposed' })).toEqual({ skip: 'highway=proposed' });
    expect(classifyStreet({ railway: 'rail' })).toEqual({ class: 'rail' });
    expect(classifyStreet({ railway: 'subway' })).toEqual({ skip: 'railway=subway' });
  });

  it('maps Tilezen kind/kind_detail', () => {
    expect(classifyStreet({ kind: 'major_road', kind_detail: 'primary' })).toEqual({ class: 'arterial' });
    expect(classifyStreet({ kind: 'major_road', kind_detail: 'secondary_link' })).toEqual({ class: 'secondary' });
    expect(classifyStreet({ kind: 'major_road' })).toEqual({ class: 'secondary' });
    expect(classifyStreet({ kind: 'highway', kind_detail: 'motorway' })).toEqual({ class: 'arterial' });
    expect(classifyStreet({ kind: 'minor_road', kind_detail: 'residential' })).toEqual({ class: 'local' });
    expect(classifyStreet({ kind: 'path', kind_detail: 'footway' })).toEqual({ class: 'path' });
    expect(classifyStreet({ kind: 'path', kind_detail: 'pier' })).toEqual({ class: 'path' });
    expect(classifyStreet({ kind: 'rail', kind_detail: 'light_rail' })).toEqual({ class: 'rail' });
    expect(classifyStreet({ kind: 'rail', kind_detail: 'subway' })).toEqual({ skip: 'rail/subway' });
    expect(classifyStreet({ kind: 'ferry' })).toEqual({ skip: 'kind=ferry' });
    expect(classifyStreet({})).toEqual({ class: 'local' });
    expect(classifyStreet({ class: 'lane' })).toEqual({ class: 'lane' });
  });

  it('reads oneway', () => {
    expect(onewayOf({ oneway: 'yes' })).toBe(1);
    expect(onewayOf({ oneway: true })).toBe(1);
    expect(onewayOf({ oneway: '-1' })).toBe(-1);
    expect(onewayOf({ oneway: 'no' })).toBe(0);
    expect(onewayOf({})).toBe(0);
  });
});

describe('buildings, shops, incidents', () => {
  it('derives use, height and floors', () => {
    expect(buildingUse({ building: 'apartments' })).toBe('residential');
    expect(buildingUse({ kind: 'building', kind_detail: 'commercial' })).toBe('commercial');
    expect(buildingUse({ building: 'school' })).toBe('school');
    expect(buildingUse({ building: 'yes' })).toBe('residential');
    expect(buildingHeight({ height: '24 m' })).toBe(24);
    expect(buildingHeight({ height: 0 })).toBeNull();
    expect(buildingFloors({ 'building:levels': '6' }, 30)).toBe(6);
    expect(buildingFloors({}, 30)).toBe(10);
    expect(buildingFloors({}, null)).toBe(1);
  });

  it('keeps shop-like POIs and skips the rest', () => {
    expect(shopCategory({ kind: 'restaurant' })).toEqual({ category: 'restaurant' });
    expect(shopCategory({ shop: 'bakery' })).toEqual({ category: 'bakery' });
    expect(shopCategory({ kind: 'bus_stop' })).toEqual({ skip: 'kind=bus_stop' });
    expect(shopCategory({ amenity: 'bench' })).toEqual({ skip: 'amenity=bench' });
    expect(shopCategory({ name: '老王包子铺', 类别: '餐饮' })).toEqual({ category: '餐饮' });
  });

  it('maps incident types and reads times as China time unless zoned', () => {
    expect(incidentType('fire_risk')).toBe('fire_risk');
    expect(incidentType('邻里纠纷')).toBe('dispute');
    expect(incidentType('治安')).toBe('public_order');
    expect(incidentType('路灯损坏 设施')).toBe('facilities');
    expect(incidentType('???')).toBe('other');
    expect(parseTime('2023-05-01 08:30')).toBe('2023-05-01T00:30:00.000Z');
    expect(parseTime('2023/5/1')).toBe('2023-04-30T16:00:00.000Z');
    expect(parseTime('2023-05-01T08:30:00Z')).toBe('2023-05-01T08:30:00.000Z');
    expect(parseTime('soon')).toBeNull();
  });
});

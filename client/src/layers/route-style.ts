/**
 * The one style of a patrol route on the map, shared by the selected group's route
 * (layers/patrol.ts) and the weekly plan's routes (layers/patrol-plan.ts): the street path in the
 * route's colour on a dark casing (the route stands out over shop markers, hulls and the base map)
 * with an animated yellow trail running along it in patrol order (deck.gl TripsLayer, one lap every
 * 12 s, redrawn at 15 frames a second while shown).
 */
import { PathLayer } from '@deck.gl/layers';
import { TripsLayer } from '@deck.gl/geo-layers';
import type { Layer } from '@deck.gl/core';
import type { LayerContext } from './types';

export type Rgb = [number, number, number];

export interface RouteTrip {
  path: [number, number][];
  /** metres along the path at each vertex (the trail's clock) */
  times: number[];
  /** length, metres */
  total: number;
  colour: Rgb;
}

const LOOP_S = 12;
const TRAIL: [number, number, number] = [255, 200, 0];
/** The casing under every route: dark, 3 px wider on each side. */
const CASING: [number, number, number, number] = [25, 25, 35, 220];
export const CASING_PX = 3;

/** Metres per degree of longitude and latitude at `lat`. */
export function metresPerDegree(lat: number): { kx: number; ky: number } {
  return { kx: 111320 * Math.cos((lat * Math.PI) / 180), ky: 110574 };
}

/** A route's path with its running length (WGS84 coordinates, metres). */
export function routeTrip(coords: readonly (readonly number[])[], colour: Rgb): RouteTrip {
  const path = coords.map((c) => [c[0]!, c[1]!] as [number, number]);
  const times = [0];
  for (let i = 1; i < path.length; i++) {
    const { kx, ky } = metresPerDegree(path[i - 1]![1]);
    times.push(times[i - 1]! + Math.hypot((path[i]![0] - path[i - 1]![0]) * kx, (path[i]![1] - path[i - 1]![1]) * ky));
  }
  return { path, times, total: times[times.length - 1] ?? 0, colour };
}

/**
 * The route layers: the casing (`width` + 2·CASING_PX px), the paths (`width` px, the colour at
 * alpha 235), `over` drawn on them (e.g. direction arrows), then the animated trail. Callers put
 * them above their markers.
 */
export function routeLayers(id: string, trips: readonly RouteTrip[], o: { width: number; over?: Layer[] }): Layer[] {
  const longest = Math.max(1, ...trips.map((x) => x.total));
  const now = (((performance.now() / 1000) % LOOP_S) / LOOP_S) * longest;
  return [
    new PathLayer<RouteTrip>({
      id: `${id}-casing`,
      data: trips as RouteTrip[],
      getPath: (d) => d.path,
      getColor: CASING,
      getWidth: o.width + 2 * CASING_PX,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }) as unknown as Layer,
    new PathLayer<RouteTrip>({
      id: `${id}-path`,
      data: trips as RouteTrip[],
      getPath: (d) => d.path,
      getColor: (d) => [...d.colour, 235] as [number, number, number, number],
      getWidth: o.width,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }) as unknown as Layer,
    ...(o.over ?? []),
    new TripsLayer<RouteTrip>({
      id: `${id}-trips`,
      data: trips as RouteTrip[],
      getPath: (d) => d.path,
      getTimestamps: (d) => d.times,
      getColor: TRAIL,
      widthMinPixels: o.width + 1,
      capRounded: true,
      jointRounded: true,
      trailLength: Math.max(80, longest / 5),
      currentTime: now,
      fadeTrail: true,
    }) as unknown as Layer,
  ];
}

/** The user asked for less motion (system setting): the trail stays still, no redraws. */
const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * Redraws the map 15 times a second while `on` (the trail moves); one per layer module. Not when
 * the user prefers reduced motion: the trail is drawn where it is, and the page stays idle.
 */
export function routeAnimation(): (ctx: LayerContext, on: boolean) => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  return (ctx, on) => {
    if (on && !timer && !reducedMotion()) timer = setInterval(() => ctx.requestDeckRender(), 1000 / 15);
    if (!on && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

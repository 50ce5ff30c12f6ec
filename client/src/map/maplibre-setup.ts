/**
 * MapLibre GL 6 under Vite: the library loads its worker from a URL next to its own module
 * (`import.meta.url`), which Vite's bundle does not contain. Point it at the worker file that
 * Vite emits as an asset (same origin), and bundle MapLibre's CSS.
 */
import maplibregl from './maplibre';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);

export default maplibregl;

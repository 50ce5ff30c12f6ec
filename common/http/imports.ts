/**
 * Imports over HTTP (POST /api/import, /api/import/preview): the layers and datums taken, the
 * largest upload, the report of a check or an import, the answer of a started import, the preview of
 * a table. The server's import pipeline and routes and the client's api/imports.ts use these.
 */
import type { Datum, FileFormat, Layer, Problem } from '../gis-files/feature-types';
import type { ColumnRole } from '../import/columns';

export { DATUMS, LAYERS as IMPORT_LAYERS, type Datum, type Layer as ImportLayer } from '../gis-files/feature-types';

/** The largest file POST /api/import and /api/import/preview take (bytes). */
export const IMPORT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

export type TextEncoding = 'utf-8' | 'gbk';

/** A rejected feature and why. */
export type ImportProblem = Problem;

export interface LayerReport {
  read: number;
  imported: number;
  repaired: number;
  rejected: number;
  skipped: number;
  replaced: number;
  located?: number;
  attached?: number;
  /** buildings: tile-cut pieces merged back into their building */
  merged?: number;
  /** register: rows placed by their address (matched to an imported building) */
  matched?: number;
  /** register: sub-districts whose earlier register rows were (or, on a dry run, would be) replaced */
  replacedSubdistricts?: string[];
  /** register, buildings: register rows of the sub-districts written in no building and more than 20 m from every one (counted for no building) */
  unattached?: number;
  /** register: rows of sub-districts with no building footprints imported (yet): attached once footprints are imported */
  without_buildings?: number;
}

/** Streets: how the lines were healed. */
export interface HealReport {
  /** Line parts read (MultiLineStrings counted per part). */
  pieces: number;
  /** Lines after healing (pieces joined at tile edges, then split where streets cross). */
  lines: number;
  /** Pieces joined end to end (cuts at tile edges). */
  joins: number;
  /** Dangling ends snapped onto another line. */
  tJunctions: number;
  snappedVertices: number;
  /** Connected components of the healed network (lines meeting at shared vertices). */
  components: number;
  /** Share of the total length in the largest connected component, 0..1. */
  largestComponentShare: number;
}

/** The report of a check (dry run) or an import (the answer with wait=true, or the import job's result). */
export interface ImportReport {
  /** the job that wrote it (an import job's result) */
  jobId?: string;
  file: string;
  source: string;
  format: FileFormat;
  encoding: TextEncoding;
  datum: Datum;
  dryRun: boolean;
  read: number;
  imported: number;
  repaired: number;
  rejected: number;
  skipped: number;
  layers: Partial<Record<Layer, LayerReport>>;
  /** First 100 rejected features with the reason. */
  rejections: Problem[];
  skippedReasons: Record<string, number>;
  heal?: HealReport;
  warnings: string[];
  /** Tables: the column used for each role (header names). */
  columns?: Partial<Record<ColumnRole, string>>;
  /** XLSX: the sheet read. */
  sheet?: string;
  /** More rows were rejected than the report lists. */
  rejectionsTruncated?: boolean;
  /** incidents only: incidents given a grid code after the import */
  gridsAssigned?: number;
  ms: number;
}

/** POST /api/import without wait (202): the file was read and checked; the write runs as a job. */
export interface ImportAccepted {
  jobId: string;
  file: string;
  format: string;
  encoding: string;
  datum: string;
  features: number;
  rejected: number;
}

/** POST /api/import/preview: a CSV or XLSX table as the import would read it. Writes nothing. */
export interface TablePreview {
  format: 'csv' | 'xlsx';
  encoding: TextEncoding;
  sheet?: string;
  sheets?: string[];
  headerRef: string;
  /** the layer the import would write (the request's, else from the file name and columns) */
  layer: Layer | null;
  rows: number;
  columns: Array<{ name: string; role: ColumnRole | null; sample: string }>;
  /** WGS84 [lon, lat] of the rows with coordinates (first PREVIEW_POINTS) */
  points: Array<[number, number]>;
  withCoordinates: number;
  withoutCoordinates: number;
}

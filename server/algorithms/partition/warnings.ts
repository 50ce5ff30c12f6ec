/**
 * The final names of a partition's warnings, shared by the server's partition job
 * (server/partition/service.ts) and the `partition-district` CLI (algorithms/units/pipeline.ts), so
 * both name every out-of-band grid the same way. Pure, no I/O.
 */

/** What both warning shapes (PartitionWarning, DistrictWarning) have in common. */
export interface GridWarning {
  code: string;
  message: string;
  grids?: string[];
  units?: string[];
}

/**
 * The warnings as a planner reads them in the plan: grids named by their final 15-digit codes (the
 * engine's ids, `<sub>:<id>` here, are replaced in `grids` and in the message), and every grid
 * whose households lie outside [min, max] named by one `grid_out_of_band` warning: the engine
 * leaves one out when another warning already names its units, and a grid of units without
 * households (a park cut off by a river) must not pass silently.
 */
export function finalGridWarnings(
  warnings: GridWarning[],
  codes: Map<string, string>,
  coded: Record<string, string>,
  households: Record<string, number>,
  min: number,
  max: number,
): void {
  for (const w of warnings) {
    if (!w.grids) continue;
    w.grids = w.grids.map((key) => {
      const code = codes.get(key);
      if (!code) return key;
      const engineId = key.slice(key.indexOf(':') + 1);
      w.message = w.message.split(`grid ${engineId} `).join(`grid ${code} `);
      return code;
    });
  }
  const grids = new Map<string, { households: number; units: string[] }>();
  for (const [unit, code] of Object.entries(coded)) {
    const g = grids.get(code) ?? { households: 0, units: [] };
    g.households += households[unit] ?? 0;
    g.units.push(unit);
    grids.set(code, g);
  }
  const named = new Set(warnings.filter((w) => w.code === 'grid_out_of_band').flatMap((w) => w.grids ?? []));
  for (const [code, g] of [...grids].sort(([a], [b]) => a.localeCompare(b))) {
    if ((g.households >= min && g.households <= max) || named.has(code)) continue;
    const units = g.units.sort();
    warnings.push({
      code: 'grid_out_of_band',
      message: `grid ${code} has ${g.households} households, outside ${min}-${max}${g.households === 0 ? ' (no households at all: its units are cut off from the rest or hold none)' : ''}. Fix: merge its units into a neighbouring grid by hand or change the band. Units: ${units.slice(0, 12).join(', ')}${units.length > 12 ? ' …' : ''}`,
      units,
      grids: [code],
    });
  }
}

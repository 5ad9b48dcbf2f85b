/** The tracks file is a clouddrift-native ragged array: xarray sees the coordinates and clouddrift's `ragged.subset` works untouched. */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir } from './fixtures'

/**
 * clouddrift 0.48 `ragged.subset(ds, criteria, id_var_name="id", rowsize_var_name="rowsize", row_dim_name="rows",
 * obs_dim_name="obs")` for scalar/list/range criteria, step for step (clouddrift itself is not installable here):
 * row and obs masks, rows dropped with their obs, rows left without obs dropped, rowsize recounted.
 */
const SUBSET = `
import json, sys
import numpy as np, xarray as xr

def subset(ds, criteria, id_var_name="id", rowsize_var_name="rowsize", row_dim_name="rows", obs_dim_name="obs"):
    mask_row = np.ones(ds.sizes[row_dim_name], dtype=bool)
    mask_obs = np.ones(ds.sizes[obs_dim_name], dtype=bool)
    for key, crit in criteria.items():
        var = ds[key]
        if isinstance(crit, tuple):
            m = np.logical_and(var >= crit[0], var <= crit[1]).values
        elif isinstance(crit, list):
            m = np.isin(var, crit)
        else:
            m = (var == crit).values
        if var.dims == (row_dim_name,):
            mask_row &= m
        elif var.dims == (obs_dim_name,):
            mask_obs &= m
    idx = np.cumsum(np.insert(ds[rowsize_var_name].values, 0, 0))
    for i in np.where(~mask_row)[0]:
        mask_obs[idx[i]:idx[i + 1]] = False
    ids_obs = np.repeat(ds[id_var_name].values, ds[rowsize_var_name].values)[mask_obs]
    mask_row &= np.isin(ds[id_var_name].values, np.unique(ids_obs))
    sub = ds.isel({row_dim_name: mask_row, obs_dim_name: mask_obs})
    _, first, counts = np.unique(ids_obs, return_index=True, return_counts=True)
    sub[rowsize_var_name].values = counts[np.argsort(first)]
    return sub

ds = xr.open_dataset(sys.argv[1])
one = subset(ds, {"id": 3})
south = subset(ds, {"lat": (-90, 0)})
print(json.dumps({
    "coords": sorted(ds.coords),
    "id_dtype": ds.id.dtype.kind,
    "time_dtype": str(ds.time.dtype),
    "one_ids": one.id.values.tolist(), "one_rowsize": one.rowsize.values.tolist(), "one_lat": one.lat.values.tolist(),
    "one_temp": one.temp.values.tolist(), "one_temp_units": one.temp.attrs.get("units"),
    "south_ids": south.id.values.tolist(), "south_rowsize": south.rowsize.values.tolist(),
}))
`

describe('clouddrift-native tracks', () => {
  it('xarray reads id/time/lat/lon as coordinates and ragged.subset selects drifter 3 by number', async () => {
    await withTempDir(async (dir) => {
      const csv = `id,time,lat,lon,temp (degree_Celsius)
1,2020-01-01T00:00:00Z,-10,0,20
1,2020-01-01T01:00:00Z,-10.01,0,20.1
3,2020-01-01T00:00:00Z,5,5,15
3,2020-01-01T01:00:00Z,5.01,5,15.5
3,2020-01-01T02:00:00Z,5.02,5,16
12,2020-01-01T00:00:00Z,-30,10,12
12,2020-01-01T01:00:00Z,-30.01,10,12.5
`
      const out = join(dir, 'tracks.nc')
      await importDrifterFile('d.csvp', bytes(csv), out, silentContext())
      const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SUBSET, out], { encoding: 'utf8' })) as Record<string, unknown>
      expect(r).toEqual({
        coords: ['id', 'lat', 'lon', 'time'],
        id_dtype: 'i',
        time_dtype: 'datetime64[ns]',
        one_ids: [3],
        one_rowsize: [3],
        one_lat: [5, 5.01, 5.02],
        one_temp: [15, 15.5, 16],
        one_temp_units: 'degree_Celsius',
        south_ids: [1, 12],
        south_rowsize: [2, 2]
      })
    })
  })
})

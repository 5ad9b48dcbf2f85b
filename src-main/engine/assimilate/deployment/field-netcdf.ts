/**
 * The georeferenced field file: CF-1.10 NetCDF-4 through data/export/netcdf4 (netcdf/h5 owns h5wasm). Projection
 * x/y in metres, 2-D lat/lon auxiliary coordinates, an `azimuthal_equidistant` grid_mapping with crs_wkt (so xarray,
 * cartopy and GDAL place it untouched), u/v as eastward/northward_sea_water_velocity with their standard errors as
 * ancillary variables, posterior samples, a land mask, history and provenance (file, window, drifters, prior, skill).
 */
import type { AssimilationResult } from '../../../shared/deployment'
import { writeNetcdf4, type VariableSpec } from '../../data/export/netcdf4'
import type { Deployment } from './geometry'
import type { FieldGrid } from './field'
import type { PosteriorField } from './posterior-field'

const WGS84 = { a: 6378137, invF: 298.257223563 }

/** OGC WKT 1 of the deployment's azimuthal-equidistant projection on WGS 84 (what GDAL reads from crs_wkt). */
export function aeqdWkt(lat: number, lon: number): string {
  return (
    'PROJCS["Driftclip azimuthal equidistant",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],' +
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Azimuthal_Equidistant"],' +
    `PARAMETER["latitude_of_center",${lat}],PARAMETER["longitude_of_center",${lon}],` +
    'PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]]'
  )
}

const f32 = (a: Float32Array) => a

export async function writeFieldFile(path: string, dep: Deployment, grid: FieldGrid, field: PosteriorField, summary: Omit<AssimilationResult, 'out' | 'timings'>, command: string): Promise<void> {
  const { lat: lat0, lon: lon0 } = dep.projection.centre
  const wkt = aeqdWkt(lat0, lon0)
  const F = field.frames.length
  const cells = grid.nx * grid.ny
  const lat = new Float64Array(cells)
  const lon = new Float64Array(cells)
  grid.lonLat.forEach(([lo, la], i) => {
    lon[i] = lo
    lat[i] = la
  })
  const onGrid = { grid_mapping: 'crs', coordinates: 'lat lon' }
  const velocity = (name: 'u' | 'v') => ({
    standard_name: name === 'u' ? 'eastward_sea_water_velocity' : 'northward_sea_water_velocity',
    long_name: `${name === 'u' ? 'eastward' : 'northward'} surface current, posterior mean of the learned conditional`,
    units: 'm s-1',
    ancillary_variables: `${name}_std`,
    ...onGrid
  })
  const std = (name: 'u' | 'v') => ({
    standard_name: `${name === 'u' ? 'eastward' : 'northward'}_sea_water_velocity standard_error`,
    long_name: `posterior standard deviation of ${name} (the learned conditional's spread; the same at every time)`,
    units: 'm s-1',
    ...onGrid
  })
  const prior = Object.fromEntries(summary.prior.map((p) => [`prior_${p.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '')}_${p.units.replace(/[^A-Za-z0-9]+/g, '_')}`, p.value]))
  const variables: VariableSpec[] = [
    { name: 'time', dims: ['time'], data: Float64Array.from(field.frames, (k) => dep.times[k]), attrs: { standard_name: 'time', units: 'seconds since 1970-01-01 00:00:00', calendar: 'standard', axis: 'T' } },
    { name: 'y', dims: ['y'], data: grid.y.map((v) => v * 1000), attrs: { standard_name: 'projection_y_coordinate', long_name: 'northing', units: 'm', axis: 'Y' } },
    { name: 'x', dims: ['x'], data: grid.x.map((v) => v * 1000), attrs: { standard_name: 'projection_x_coordinate', long_name: 'easting', units: 'm', axis: 'X' } },
    { name: 'sample', dims: ['sample'], data: Int32Array.from({ length: field.samples }, (_, i) => i), attrs: { long_name: 'posterior sample number' } },
    {
      name: 'crs', dims: [], data: Int32Array.of(0),
      attrs: {
        grid_mapping_name: 'azimuthal_equidistant', longitude_of_projection_origin: lon0, latitude_of_projection_origin: lat0,
        false_easting: 0, false_northing: 0, semi_major_axis: WGS84.a, inverse_flattening: WGS84.invF,
        reference_ellipsoid_name: 'WGS 84', crs_wkt: wkt, spatial_ref: wkt, proj4_params: dep.projection.def
      }
    },
    { name: 'lat', dims: ['y', 'x'], data: lat, attrs: { standard_name: 'latitude', units: 'degrees_north' } },
    { name: 'lon', dims: ['y', 'x'], data: lon, attrs: { standard_name: 'longitude', units: 'degrees_east' } },
    { name: 'land_mask', dims: ['y', 'x'], data: Int32Array.from(grid.land), attrs: { long_name: 'land (Natural Earth 1:10m) at the cell centre', flag_values: Int32Array.of(0, 1), flag_meanings: 'water land', ...onGrid } },
    { name: 'u', dims: ['time', 'y', 'x'], data: f32(field.u), fill: NaN, attrs: velocity('u') },
    { name: 'v', dims: ['time', 'y', 'x'], data: f32(field.v), fill: NaN, attrs: velocity('v') },
    { name: 'u_std', dims: ['y', 'x'], data: f32(field.uStd), fill: NaN, attrs: std('u') },
    { name: 'v_std', dims: ['y', 'x'], data: f32(field.vStd), fill: NaN, attrs: std('v') }
  ]
  if (field.samples > 0)
    variables.push(
      { name: 'u_sample', dims: ['sample', 'time', 'y', 'x'], data: f32(field.uSamples), fill: NaN, attrs: { standard_name: 'eastward_sea_water_velocity', long_name: 'posterior sample of u', units: 'm s-1', ...onGrid } },
      { name: 'v_sample', dims: ['sample', 'time', 'y', 'x'], data: f32(field.vSamples), fill: NaN, attrs: { standard_name: 'northward_sea_water_velocity', long_name: 'posterior sample of v', units: 'm s-1', ...onGrid } }
    )
  const b = summary.projection.bounds
  await writeNetcdf4(path, {
    dims: [
      { name: 'time', size: F },
      { name: 'y', size: grid.ny },
      { name: 'x', size: grid.nx },
      { name: 'sample', size: field.samples }
    ],
    variables,
    attrs: {
      Conventions: 'CF-1.10',
      title: `Surface currents from drifters of ${summary.source}`,
      summary: 'Posterior velocity field of a drifter deployment: a flow prior fitted to the drifters (uniform flow with inertial oscillation, Helmholtz eddies), simulation-based contrastive training of a set encoder, and the exact Gaussian learned conditional (arXiv 2505.24134).',
      source: `Driftclip assimilate on ${summary.source}`,
      history: `${new Date().toISOString()} ${command}`,
      references: 'arXiv:2505.24134; Berlinghieri et al. 2023, arXiv:2302.10364',
      source_file: summary.source,
      time_coverage_start: summary.window.start,
      time_coverage_end: summary.window.end,
      window_reason: summary.window.reason,
      time_step_hours: summary.step.hours,
      drifters: summary.drifters.map((d) => d.id).join(','),
      geospatial_lat_min: b.latMin, geospatial_lat_max: b.latMax, geospatial_lon_min: b.lonMin, geospatial_lon_max: b.lonMax,
      land: `${summary.projection.land}; velocities are masked (NaN) over land, the field is not constrained along the coast`,
      ...prior,
      prior_estimates: JSON.stringify(summary.prior),
      skill_best: summary.best,
      skill_verdict: summary.verdict,
      skill: JSON.stringify(summary.skill.map(({ method, rmse, ci, speedRatio, directionCosine }) => ({ method, rmse, ci, speedRatio, directionCosine }))),
      choices: summary.choices.join('\n')
    }
  })
}

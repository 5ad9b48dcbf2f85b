/** three.js objects for Explore 3D: the stream-function surface at one time and tracer paths as coloured tubes. */
import * as THREE from 'three'
import type { FieldView } from '@shared/views'
import { decimate } from '@renderer/charts/common'
import { pathSpeeds, toScene, tubeSpeedRange, vertexColors, type SceneLabel, type SceneSpace } from './scene-space'

export type ColorBy = 'time' | 'speed'

/** ψ on the grid as a coloured sheet at the frame's time level, lifted slightly by ψ for relief. */
export function createSurface(view: FieldView, psi: readonly number[], frame: number, s: SceneSpace, range: [number, number]): THREE.Mesh {
  const nx = view.x.length
  const ny = view.y.length
  const geom = new THREE.BufferGeometry()
  const pos = new Float32Array(nx * ny * 3)
  const t = view.times[frame] ?? s.t0
  const relief = 0.12 / (Math.max(Math.abs(range[0]), Math.abs(range[1])) || 1)
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i
      const [X, Y, Z] = toScene(s, view.x[i], view.y[j], t)
      pos.set([X, Y + (psi[k] ?? 0) * relief, Z], k * 3)
    }
  }
  const index: number[] = []
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = j * nx + i
      index.push(a, a + 1, a + nx, a + 1, a + nx + 1, a + nx)
    }
  }
  geom.setAttribute('position', new THREE.BufferAttribute(pos, 3))
  geom.setAttribute('color', new THREE.BufferAttribute(vertexColors(psi, 'balance', range[0], range[1]), 3))
  geom.setIndex(index)
  geom.computeVertexNormals()
  const mat = new THREE.MeshBasicMaterial({ vertexColors: true, side: THREE.DoubleSide, transparent: true, opacity: 0.85 })
  return new THREE.Mesh(geom, mat)
}

/** One tube per tracer path through (x, y, t), coloured by time or by speed along the path. */
export function createTubes(view: FieldView, s: SceneSpace, colorBy: ColorBy, maxTracks = 40): THREE.Group {
  const group = new THREE.Group()
  const tracks = decimate(view.tracks, maxTracks)
  const allSpeeds = tracks.map((t) => pathSpeeds(t, view.trackTimes))
  const speedRange = tubeSpeedRange(view, maxTracks)
  tracks.forEach((track, n) => {
    const idx = decimate(track.map((_, i) => i), 160)
    if (idx.length < 2) return
    const points = idx.map((i) => new THREE.Vector3(...toScene(s, track[i][0], track[i][1], view.trackTimes[i] ?? i)))
    const segments = Math.max(8, idx.length * 2)
    const radial = 6
    const geom = new THREE.TubeGeometry(new THREE.CatmullRomCurve3(points), segments, 0.012, radial, false)
    // TubeGeometry lays out (segments + 1) rings of (radial + 1) vertices each, from start to end
    const ringValues = Array.from({ length: segments + 1 }, (_, r) => {
      const f = r / segments
      if (colorBy === 'time') return f
      return allSpeeds[n][idx[Math.min(idx.length - 1, Math.round(f * (idx.length - 1)))]]
    })
    const perVertex = ringValues.flatMap((v) => Array(radial + 1).fill(v) as number[])
    const [lo, hi] = colorBy === 'time' ? [0, 1] : speedRange
    geom.setAttribute('color', new THREE.BufferAttribute(vertexColors(perVertex, colorBy === 'time' ? 'thermal' : 'speed', lo, hi), 3))
    group.add(new THREE.Mesh(geom, new THREE.MeshBasicMaterial({ vertexColors: true })))
  })
  return group
}

/** Edges of the scene box, so the (x, y, t) extent is visible. */
export function createBox(s: SceneSpace, color: string): THREE.LineSegments {
  const geom = new THREE.EdgesGeometry(new THREE.BoxGeometry(2, s.height, 2))
  geom.translate(0, s.height / 2, 0)
  return new THREE.LineSegments(geom, new THREE.LineBasicMaterial({ color }))
}

/** A text label that always faces the camera and keeps its size on screen (a `px` CSS pixel font, see sizeLabels). */
function textSprite(text: string, color: string, background: string, px: number): THREE.Sprite {
  const res = 48
  const canvas = document.createElement('canvas')
  const ctx = canvas.getContext('2d')
  if (!ctx) return new THREE.Sprite()
  const font = `500 ${res}px sans-serif`
  ctx.font = font
  canvas.width = Math.ceil(ctx.measureText(text).width) + 16
  canvas.height = Math.ceil(res * 1.3)
  ctx.font = font
  ctx.textBaseline = 'middle'
  // a halo in the background colour keeps the text readable over tubes and the surface
  ctx.lineWidth = 6
  ctx.strokeStyle = background
  ctx.strokeText(text, 8, canvas.height / 2)
  ctx.fillStyle = color
  ctx.fillText(text, 8, canvas.height / 2)
  const map = new THREE.CanvasTexture(canvas)
  map.colorSpace = THREE.SRGBColorSpace
  // no mipmaps: averaging with the transparent surround greys the text out when it is drawn smaller
  map.generateMipmaps = false
  map.minFilter = THREE.LinearFilter
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map, transparent: true, depthWrite: false, sizeAttenuation: false }))
  // the sprite is the whole canvas, a little taller than the font: scale so the font itself is `px` tall
  sprite.userData = { labelPx: (px * canvas.height) / res, aspect: canvas.width / canvas.height }
  return sprite
}

/** Tick labels and axis titles (see axisLabels) as camera-facing sprites of a fixed size on screen. */
export function createAxisLabels(labels: readonly SceneLabel[], color: string, background: string): THREE.Group {
  const group = new THREE.Group()
  for (const l of labels) {
    const sprite = textSprite(l.text, color, background, l.title ? 13 : 12)
    sprite.position.set(...l.at)
    group.add(sprite)
  }
  return group
}

/**
 * Size the labels for a canvas `height` CSS pixels tall: without size attenuation a sprite of scale s is
 * s · (height / 2) / tan(fov / 2) pixels tall, whatever its distance.
 */
export function sizeLabels(root: THREE.Object3D, fovDegrees: number, height: number): void {
  const perPx = Math.tan((fovDegrees * Math.PI) / 360) / (Math.max(1, height) / 2)
  root.traverse((o) => {
    const { labelPx, aspect } = o.userData as { labelPx?: number; aspect?: number }
    if (labelPx && aspect) o.scale.set(labelPx * perPx * aspect, labelPx * perPx, 1)
  })
}

/** Free the GPU memory of an object tree. */
export function disposeObject(obj: THREE.Object3D): void {
  obj.traverse((o) => {
    const mesh = o as THREE.Mesh
    mesh.geometry?.dispose()
    const mats = Array.isArray(mesh.material) ? mesh.material : mesh.material ? [mesh.material] : []
    for (const m of mats) {
      ;(m as THREE.SpriteMaterial).map?.dispose()
      m.dispose()
    }
  })
}

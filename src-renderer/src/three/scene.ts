/** The Explore 3D scene: create (renderer, camera, orbit controls), update (replace content), dispose. */
import * as THREE from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import type { FieldView } from '@shared/views'
import { fmt } from '@renderer/charts/common'
import { createAxisLabels, createBox, createSurface, createTubes, disposeObject, sizeLabels, type ColorBy } from './field-objects'
import { axisLabels, finiteRange, sceneSpace } from './scene-space'

export interface FieldScene {
  renderer: THREE.WebGLRenderer
  scene: THREE.Scene
  camera: THREE.PerspectiveCamera
  controls: OrbitControls
  content: THREE.Group
}

export interface SceneContent {
  view: FieldView
  frame: number
  /** Which ψ to draw: the truth or the posterior-mean reconstruction. */
  surface: 'truth' | 'reconstruction'
  colorBy: ColorBy
  background: string
  boxColor: string
  /** Tick label and axis title colour. */
  textColor: string
}

export function createFieldScene(canvas: HTMLCanvasElement): FieldScene {
  // preserveDrawingBuffer: figures and tests read the pixels back after rendering
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true })
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1))
  const scene = new THREE.Scene()
  const camera = new THREE.PerspectiveCamera(40, 1, 0.01, 100)
  camera.position.set(2.6, 2.2, 3.0)
  const controls = new OrbitControls(camera, canvas)
  controls.target.set(0, 0.6, 0)
  controls.update()
  const content = new THREE.Group()
  scene.add(content)
  const fs: FieldScene = { renderer, scene, camera, controls, content }
  controls.addEventListener('change', () => renderFieldScene(fs))
  return fs
}

/** Replace the scene's content for a new field, frame or colouring, then render. */
export function updateFieldScene(fs: FieldScene, c: SceneContent): void {
  for (const child of [...fs.content.children]) {
    fs.content.remove(child)
    disposeObject(child)
  }
  fs.scene.background = new THREE.Color(c.background)
  const s = sceneSpace(c.view)
  const frames = c.surface === 'reconstruction' && c.view.reconstruction ? c.view.reconstruction : c.view.truth
  const psi = frames.psi[c.frame] ?? frames.psi[0] ?? []
  const range = finiteRange(frames.psi.flat())
  const symmetric = Math.max(Math.abs(range[0]), Math.abs(range[1]))
  fs.content.add(createSurface(c.view, psi, c.frame, s, [-symmetric, symmetric]))
  fs.content.add(createTubes(c.view, s, c.colorBy))
  fs.content.add(createBox(s, c.boxColor))
  fs.content.add(createAxisLabels(axisLabels(c.view, s, fmt), c.textColor, c.background))
  sizeLabels(fs.content, fs.camera.fov, fs.renderer.getSize(new THREE.Vector2()).y)
  renderFieldScene(fs)
}

export function resizeFieldScene(fs: FieldScene, width: number, height: number): void {
  if (width <= 0 || height <= 0) return
  fs.renderer.setSize(width, height, false)
  fs.camera.aspect = width / height
  fs.camera.updateProjectionMatrix()
  sizeLabels(fs.content, fs.camera.fov, height)
  renderFieldScene(fs)
}

export function renderFieldScene(fs: FieldScene): void {
  fs.renderer.render(fs.scene, fs.camera)
}

export function disposeFieldScene(fs: FieldScene): void {
  fs.controls.dispose()
  disposeObject(fs.content)
  fs.renderer.dispose()
}

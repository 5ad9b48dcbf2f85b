/**
 * Matrix products whose gradients use explicitly transposed operands: on wasm the transposed forms of
 * matMul (which tfjs's own gradient uses) are ~10× slower than the plain form (feasibility.md §1.3).
 */
import { tf } from './backend'

type Save = (tensors: tf.Tensor[]) => void
interface Grad<T extends tf.Tensor> { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[] }

const dense2d = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: Save): Grad<tf.Tensor2D> => {
  save([x, w])
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, [xs, ws]) => [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D

const denseIn = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: Save): Grad<tf.Tensor2D> => {
  save([x])
  return {
    value: tf.matMul(x, w),
    // x is data, so its gradient is never used: skip that product (≈10 % of a reference step)
    gradFunc: (dy, [xs]) => [tf.zerosLike(xs), tf.matMul(tf.transpose(xs), dy)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D

const swap = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1])
const batched = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: Save): Grad<tf.Tensor3D> => {
  save([a, b])
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [as, bs]) => [tf.matMul(dy, swap(bs as tf.Tensor3D)), tf.matMul(swap(as as tf.Tensor3D), dy)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D

/** x·w for x [n, k], w [k, m], with a fast backward pass. */
export function denseFast(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return dense2d(x, w)
}

/** x·w where x is input data (no gradient needed for x): the first layer of an encoder. */
export function denseInput(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return denseIn(x, w)
}

/** Batched a·b for a [b, n, k], b [b, k, m], with a fast backward pass. */
export function batchMatMulFast(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return batched(a, b)
}

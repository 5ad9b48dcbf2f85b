import { parentPort, workerData } from 'node:worker_threads'
import { etaSeconds } from './job'
parentPort?.postMessage({ hello: workerData, eta: etaSeconds(0, 1, 2, 1000) })

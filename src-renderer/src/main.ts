/** Renderer entry: creates the Vue app with Pinia and mounts the shell. Lifecycle only. */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import './styles.css'

createApp(App).use(createPinia()).mount('#app')

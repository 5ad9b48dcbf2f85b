/** The application menu: standard roles plus view shortcuts the renderer listens for (Alt+1..6 work too). */
import { Menu, type MenuItemConstructorOptions } from 'electron'

export function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Driftclip documentation (README)', enabled: false }]
    }
  ]
  return Menu.buildFromTemplate(template)
}

-- Minimal init for the headless tests: only Neovim's runtime and this plugin.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local plugin = vim.fn.fnamemodify(here, ':h')
vim.opt.runtimepath = { plugin, vim.env.VIMRUNTIME }
vim.opt.packpath = {}
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.g.kubectl_chart_test_dir = here
vim.cmd('filetype on')

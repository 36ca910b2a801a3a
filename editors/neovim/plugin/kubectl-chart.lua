-- User commands of the kubectl-chart plugin. The language server starts only
-- after require('kubectl-chart').setup{} (see the README).
if vim.g.loaded_kubectl_chart then
  return
end
vim.g.loaded_kubectl_chart = true

vim.api.nvim_create_user_command('ChartPreview', function()
  require('kubectl-chart').preview()
end, { desc = 'Show the rendered output of this chart template in a split, refreshed as you type' })

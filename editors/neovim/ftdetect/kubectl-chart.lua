-- Chart templates get the `helm` filetype (chart-lsp expects that language id);
-- values files keep `yaml`. Runs after the built-in detection, so it overrides
-- the `yaml`/`smarty`/`text` guess for templates.
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = vim.api.nvim_create_augroup('kubectl_chart_ftdetect', { clear = true }),
  pattern = '*',
  callback = function(args)
    local info = require('kubectl-chart.chart').classify(vim.api.nvim_buf_get_name(args.buf))
    if info == nil then
      return
    end
    vim.api.nvim_buf_set_var(args.buf, 'kubectl_chart', { kind = info.kind, root = info.root })
    if info.kind == 'template' and vim.bo[args.buf].filetype ~= 'helm' then
      vim.bo[args.buf].filetype = 'helm'
    end
  end,
})

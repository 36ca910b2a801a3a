-- Headless test of the Neovim plugin: filetype detection on a sample chart,
-- the chart-lsp client (start, initialize options, didOpen/didChange, one
-- client per workspace) and :ChartPreview (rendered text, refresh after edits
-- of the template and of values.yaml, errors, debounce).
--
-- Server: a fake (fake_chart_lsp.py, which logs what it receives) unless
-- CHART_LSP_CMD names a real chart-lsp; then the checks that read the fake's
-- log are skipped and everything else runs unchanged.
--   nvim --headless -u test/init.lua -c 'luafile test/run.lua'
local test_dir = vim.g.kubectl_chart_test_dir
local real_cmd = vim.env.CHART_LSP_CMD ~= nil and vim.env.CHART_LSP_CMD ~= ''
local passed, failed, failures = 0, 0, {}

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    table.insert(failures, name .. (detail and (': ' .. detail) or ''))
  end
end

local function eq(name, actual, expected)
  check(name, vim.deep_equal(actual, expected), 'expected ' .. vim.inspect(expected) .. ', got ' .. vim.inspect(actual))
end

local function out(line)
  io.stdout:write(line .. '\n')
end

-- a copy of the fixture workspace in a temp dir, with a .git so it is the workspace root
local ws = vim.fn.tempname() .. '-ws'
vim.fn.system({ 'cp', '-r', test_dir .. '/fixtures/ws', ws })
vim.fn.mkdir(ws .. '/.git', 'p')
ws = vim.fn.resolve(ws)
local demo = ws .. '/demo'
local log_file = ws .. '/../' .. vim.fn.fnamemodify(ws, ':t') .. '-server.log'

local function server_log()
  local msgs = {}
  if vim.fn.filereadable(log_file) == 1 then
    for _, line in ipairs(vim.fn.readfile(log_file)) do
      table.insert(msgs, vim.fn.json_decode(line))
    end
  end
  return msgs
end

local function find_msgs(method, pred)
  local found = {}
  for _, m in ipairs(server_log()) do
    if m.method == method and (pred == nil or pred(m)) then
      table.insert(found, m)
    end
  end
  return found
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function wait_for(ms, cond)
  return vim.wait(ms, cond, 20)
end

local function run()
  -- 1. filetype detection ---------------------------------------------------
  local cases = {
    { 'demo/templates/deployment.yaml', 'helm', 'template', demo },
    { 'demo/templates/sub/configmap.yml', 'helm', 'template', demo },
    { 'demo/templates/_helpers.tpl', 'helm', 'template', demo },
    { 'demo/templates/NOTES.txt', 'helm', 'template', demo },
    { 'demo/files/extra.tpl', 'helm', 'template', demo },
    { 'demo/templates/not-yet-created.yaml', 'helm', 'template', demo },
    { 'demo/charts/db/templates/service.yaml', 'helm', 'template', demo .. '/charts/db' },
    { 'demo/values.yaml', 'yaml', 'values', demo },
    { 'demo/values-prod.yaml', 'yaml', 'values', demo },
    { 'demo/charts/db/values.yaml', 'yaml', 'values', demo .. '/charts/db' },
    { 'demo/Chart.yaml', 'yaml', nil, nil },
    { 'docs/templates/page.yaml', 'yaml', nil, nil },
  }
  for _, c in ipairs(cases) do
    vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/' .. c[1]))
    eq('filetype of ' .. c[1], vim.bo.filetype, c[2])
    local ok, info = pcall(vim.api.nvim_buf_get_var, 0, 'kubectl_chart')
    if c[3] then
      eq('b:kubectl_chart of ' .. c[1], ok and info or nil, { kind = c[3], root = c[4] })
    else
      check('no b:kubectl_chart on ' .. c[1], not ok)
    end
  end
  -- syntax of the helm filetype
  vim.cmd('syntax on')
  vim.cmd('enew')
  local syn_lines = {
    'name: {{ .Values.name | default "x}}y" }}',
    '{{- if eq $i 3 }}{{/* note {{ x }} */}}',
    'image: "<< .Values.image >>"',
    '  <<: *base',
    'run: cat <<EOF',
  }
  vim.api.nvim_buf_set_lines(0, 0, -1, false, syn_lines)
  vim.bo.filetype = 'helm'
  local function syn_at(l, needle, n)
    local col = 0
    for _ = 1, (n or 1) do
      col = syn_lines[l]:find(needle, col + 1, true)
    end
    local stack = vim.tbl_map(function(id)
      return vim.fn.synIDattr(id, 'name')
    end, vim.fn.synstack(l, col))
    return stack[#stack] or ''
  end
  for _, c in ipairs({
    { 1, 'Values', 1, 'helmBuiltinObject' },
    { 1, 'name', 2, 'helmField' },
    { 1, 'default', 1, 'helmFunction' },
    { 1, 'x}}y', 1, 'helmString' },
    { 1, '{{', 1, 'helmDelimiter' },
    { 2, '-', 1, 'helmTrim' },
    { 2, 'if', 1, 'helmKeyword' },
    { 2, 'eq', 1, 'helmBuiltinFunction' },
    { 2, '$i', 1, 'helmVariable' },
    { 2, '3', 1, 'helmNumber' },
    { 2, 'note', 1, 'helmComment' },
    { 2, 'x }}', 1, 'helmComment' },
    { 3, '<<', 1, 'helmDelimiter' },
    { 3, 'image', 2, 'helmField' },
  }) do
    eq('syntax of ' .. c[2] .. ' on line ' .. c[1], syn_at(c[1], c[2], c[3]), c[4])
  end
  check('<<: merge key is not a template action', not syn_at(4, '<<'):match('^helm'), syn_at(4, '<<'))
  check('<<EOF heredoc is not a template action', not syn_at(5, 'EOF'):match('^helm'), syn_at(5, 'EOF'))
  vim.cmd('bwipeout!')

  local outside = vim.fn.tempname() .. '.tpl'
  vim.cmd('edit ' .. outside)
  check('a .tpl outside any chart is not helm', vim.bo.filetype ~= 'helm', vim.bo.filetype)
  check(':ChartPreview command is defined', vim.fn.exists(':ChartPreview') == 2)
  vim.cmd('silent! %bwipeout!')

  -- 2. the client -----------------------------------------------------------
  local cmd = real_cmd and { vim.env.CHART_LSP_CMD } or { 'python3', test_dir .. '/fake_chart_lsp.py', log_file }
  local kc = require('kubectl-chart')
  kc.setup({ cmd = cmd, values_files = { demo = { 'values-prod.yaml' } }, preview_debounce_ms = 50 })

  local tpl_path = demo .. '/templates/deployment.yaml'
  vim.cmd('edit ' .. tpl_path)
  local tpl = vim.api.nvim_get_current_buf()
  local ready = wait_for(10000, function()
    local c = kc.client_for(tpl)
    return c ~= nil and c.initialized == true
  end)
  check('chart-lsp starts and initializes for a template', ready)
  if not ready then
    return
  end
  local client = kc.client_for(tpl)
  eq('client name', client.name, 'chart-lsp')
  eq('workspace root is the git work tree', client.config.root_dir, ws)
  eq('omnifunc completes from the server', vim.bo[tpl].omnifunc, 'v:lua.vim.lsp.omnifunc')
  local commands = ((client.server_capabilities or {}).executeCommandProvider or {}).commands or {}
  check('server offers chart.renderPreview', vim.tbl_contains(commands, 'chart.renderPreview'), vim.inspect(commands))

  if not real_cmd then
    wait_for(5000, function()
      return #find_msgs('textDocument/didOpen') >= 1
    end)
    local init = find_msgs('initialize')[1] or { params = {} }
    eq('initialize rootUri', init.params.rootUri, vim.uri_from_fname(ws))
    eq('initializationOptions.valuesFiles', init.params.initializationOptions, { valuesFiles = { demo = { 'values-prod.yaml' } } })
    check('initialize sends client capabilities', type(init.params.capabilities) == 'table')
    local conf = find_msgs('workspace/didChangeConfiguration')[1]
    eq('didChangeConfiguration settings', conf and conf.params.settings, { chartLsp = { valuesFiles = { demo = { 'values-prod.yaml' } } } })
    local open = find_msgs('textDocument/didOpen')[1]
    eq('didOpen languageId of a template', open and open.params.textDocument.languageId, 'helm')
    eq('didOpen uri', open and open.params.textDocument.uri, vim.uri_from_fname(tpl_path))
    eq('didOpen text', open and open.params.textDocument.text, table.concat(vim.fn.readfile(tpl_path), '\n') .. '\n')
  end

  -- values file: same client; non-chart YAML: no client
  vim.cmd('edit ' .. demo .. '/values.yaml')
  local values_buf = vim.api.nvim_get_current_buf()
  wait_for(5000, function()
    return kc.client_for(values_buf) ~= nil
  end)
  eq('values.yaml shares the workspace client', (kc.client_for(values_buf) or {}).id, client.id)
  if not real_cmd then
    wait_for(5000, function()
      return #find_msgs('textDocument/didOpen') >= 2
    end)
    local opened = find_msgs('textDocument/didOpen', function(m)
      return m.params.textDocument.uri == vim.uri_from_fname(demo .. '/values.yaml')
    end)[1]
    eq('didOpen languageId of a values file', opened and opened.params.textDocument.languageId, 'yaml')
  end
  vim.cmd('edit ' .. ws .. '/docs/templates/page.yaml')
  check('no chart-lsp for YAML outside charts', kc.client_for(0) == nil)
  vim.cmd('edit ' .. demo .. '/templates/NOTES.txt')
  wait_for(5000, function()
    return kc.client_for(0) ~= nil
  end)
  eq('NOTES.txt shares the workspace client', (kc.client_for(0) or {}).id, client.id)
  eq('one client for the workspace', #vim.tbl_filter(function(c)
    return c.name == 'chart-lsp'
  end, vim.lsp.get_active_clients()), 1)

  -- 3. preview ----------------------------------------------------------------
  vim.cmd('buffer ' .. tpl)
  local wins_before = #vim.api.nvim_tabpage_list_wins(0)
  vim.cmd('ChartPreview')
  local state = kc.preview_state(tpl)
  check('preview state exists', state ~= nil)
  if state == nil then
    return
  end
  local pbuf = state.buf
  local function preview_has(needle)
    return wait_for(10000, function()
      return buf_text(pbuf):find(needle, 1, true) ~= nil
    end)
  end
  check('preview shows the template rendered with values-prod.yaml', preview_has('replicas: 3'), buf_text(pbuf))
  check('preview shows values.yaml values', preview_has('name: demo-app'), buf_text(pbuf))
  eq('preview opens in a split', #vim.api.nvim_tabpage_list_wins(0), wins_before + 1)
  eq('focus stays on the template', vim.api.nvim_get_current_buf(), tpl)
  eq('preview buffer is a scratch buffer', vim.bo[pbuf].buftype, 'nofile')
  eq('preview buffer is read-only', vim.bo[pbuf].modifiable, false)
  eq('preview filetype', vim.bo[pbuf].filetype, 'yaml')

  -- unsaved edit of the template
  vim.api.nvim_buf_set_lines(tpl, -1, -1, false, { '  image: {{ .Values.image | upper }}' })
  check('preview follows an unsaved template edit', preview_has('image: NGINX'), buf_text(pbuf))
  if not real_cmd then
    local incremental = find_msgs('textDocument/didChange', function(m)
      return m.params.contentChanges[1].range ~= nil
    end)
    check('edits are sent incrementally', #incremental >= 1)
  end

  -- unsaved edit of values.yaml refreshes the template's preview
  vim.api.nvim_buf_set_lines(values_buf, 1, 2, false, { 'image: redis' })
  check('preview follows an unsaved values.yaml edit', preview_has('image: REDIS'), buf_text(pbuf))

  -- a render error is shown in the preview, and goes away when fixed
  vim.api.nvim_buf_set_lines(tpl, 0, 0, false, { '{{ fail "boom from the test" }}' })
  check('render errors are shown', preview_has('# chart-lsp could not render deployment.yaml:'), buf_text(pbuf))
  check('the error message is shown', preview_has('boom from the test'), buf_text(pbuf))
  vim.api.nvim_buf_set_lines(tpl, 0, 1, false, {})
  check('the preview recovers after the fix', preview_has('image: REDIS'), buf_text(pbuf))

  -- a burst of edits renders once, for the last version
  local renders_before = state.renders
  for i = 1, 20 do
    vim.api.nvim_buf_set_lines(tpl, 5, 6, false, { '  replicas: {{ .Values.replicas }}-' .. i })
  end
  check('a burst of edits ends with the last version', preview_has('replicas: 3-20'), buf_text(pbuf))
  eq('a burst of edits is rendered once', state.renders - renders_before, 1)

  -- new extra values files reach the server and re-render the preview
  kc.set_values_files({ demo = {} })
  check('changing values_files re-renders with values.yaml only', preview_has('replicas: 1-20'), buf_text(pbuf))
  if not real_cmd then
    local confs = find_msgs('workspace/didChangeConfiguration')
    eq('didChangeConfiguration after set_values_files', confs[#confs].params.settings, { chartLsp = { valuesFiles = { demo = {} } } })
  end

  -- :ChartPreview again reuses the preview; on a values file it refuses
  eq('ChartPreview again reuses the buffer', kc.preview(tpl), pbuf)
  eq('no extra window on reuse', #vim.api.nvim_tabpage_list_wins(0), wins_before + 1)
  vim.cmd('buffer ' .. values_buf)
  eq('no preview for a values file', kc.preview(), nil)
  vim.cmd('buffer ' .. tpl)

  -- closing the preview forgets it
  vim.cmd('bwipeout! ' .. pbuf)
  check('wiping the preview buffer forgets the preview', kc.preview_state(tpl) == nil)

  -- 4. shutdown ---------------------------------------------------------------
  vim.lsp.stop_client(client.id)
  check('client stops', wait_for(5000, function()
    return client.is_stopped()
  end))
  -- 5. nvim-lspconfig registration (with a stand-in lspconfig) -------------------
  local registered_setup
  local fake_configs = {}
  package.loaded['lspconfig.configs'] = fake_configs
  package.loaded['lspconfig'] = setmetatable({}, {
    __index = function(_, name)
      return { setup = function(opts)
        registered_setup = { name = name, opts = opts }
      end }
    end,
  })
  local on_attach = function() end
  kc.setup({ cmd = { 'my-chart-lsp' }, values_files = { demo = { 'a.yaml' } }, use_lspconfig = true, on_attach = on_attach })
  local def = fake_configs.chart_lsp and fake_configs.chart_lsp.default_config or {}
  eq('lspconfig: chart_lsp registered and set up', registered_setup and registered_setup.name, 'chart_lsp')
  check('lspconfig: on_attach passed through', registered_setup and registered_setup.opts.on_attach == on_attach)
  eq('lspconfig: cmd', def.cmd, { 'my-chart-lsp' })
  eq('lspconfig: filetypes', def.filetypes, { 'helm', 'yaml' })
  eq('lspconfig: init_options', def.init_options, { valuesFiles = { demo = { 'a.yaml' } } })
  eq('lspconfig: settings', def.settings, { chartLsp = { valuesFiles = { demo = { 'a.yaml' } } } })
  eq('lspconfig: root of a template', def.root_dir and def.root_dir(tpl_path), ws)
  eq('lspconfig: root of a values file', def.root_dir and def.root_dir(demo .. '/values.yaml'), ws)
  eq('lspconfig: no root for YAML outside charts', def.root_dir and def.root_dir(ws .. '/docs/templates/page.yaml'), nil)
  eq('lspconfig: the built-in attach is off', kc.attach(tpl), nil)
  eq('lspconfig: no FileType autocmds of the built-in client', #vim.api.nvim_get_autocmds({ group = 'kubectl_chart_lsp' }), 0)
  package.loaded['lspconfig'] = nil
  package.loaded['lspconfig.configs'] = nil

  if not real_cmd then
    check('server received shutdown and exit', wait_for(5000, function()
      return #find_msgs('shutdown') == 1 and #find_msgs('exit') == 1
    end))
  end
end

local ok, err = xpcall(run, debug.traceback)
check('test script ran to the end', ok, err)
out('neovim plugin test against ' .. (real_cmd and vim.env.CHART_LSP_CMD or 'the fake chart-lsp'))
for _, f in ipairs(failures) do
  out('FAIL ' .. f)
end
out(string.format('neovim: %d passed, %d failed', passed, failed))
vim.fn.delete(ws, 'rf')
vim.fn.delete(log_file)
if failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end

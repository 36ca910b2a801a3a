--- kubectl-chart for Neovim (>= 0.7): starts chart-lsp for chart templates
--- (filetype `helm`) and values files, one client per workspace root, and
--- shows the rendered preview of a template in a split (`:ChartPreview`),
--- refreshed after edits to any file of the chart.
local chart = require('kubectl-chart.chart')

local M = {}

local defaults = {
  -- command line of the language server
  cmd = { 'chart-lsp' },
  -- extra values files per chart (chart dir relative to the workspace root), like `-f`
  values_files = {},
  -- milliseconds of quiet before the preview re-renders
  preview_debounce_ms = 150,
  -- function(file) -> workspace root; default: git work tree, else outermost chart
  root_dir = nil,
  -- passed through to the client
  on_attach = nil,
  on_init = nil,
  capabilities = nil,
  flags = nil,
  -- use nvim-lspconfig's server registry when it is installed (opt-in)
  use_lspconfig = false,
}

M.config = nil
local clients_by_root = {} -- workspace root -> client id
local previews = {} -- source bufnr -> preview state
local watched = {} -- bufnr -> true when its edits refresh previews

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- `client.notify` became a method in Neovim 0.11.
local function client_notify(client, method, params)
  if has('nvim-0.11') then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function notify(msg, level)
  vim.notify('kubectl-chart: ' .. msg, level or vim.log.levels.INFO)
end

--- `client.request` became a method in Neovim 0.11.
local function request(client, method, params, handler)
  if has('nvim-0.11') then
    return client:request(method, params, handler)
  end
  return client.request(method, params, handler)
end

--- The `chartLsp` section: settings and initializationOptions share it.
local function server_settings()
  local values = {}
  for chart_dir, files in pairs(M.config.values_files) do
    values[chart_dir] = files
  end
  return { valuesFiles = values }
end

local function root_for(file)
  if type(M.config.root_dir) == 'function' then
    return M.config.root_dir(file)
  elseif type(M.config.root_dir) == 'string' then
    return M.config.root_dir
  end
  return chart.workspace_root(file)
end

--- Whether the buffer should talk to chart-lsp (a template with filetype
--- helm, or a values file with filetype yaml).
local function wanted(bufnr)
  local info = chart.classify(vim.api.nvim_buf_get_name(bufnr))
  if info == nil then
    return nil
  end
  local ft = vim.bo[bufnr].filetype
  if (info.kind == 'template' and ft == 'helm') or (info.kind == 'values' and ft == 'yaml') then
    return info
  end
  return nil
end

local function is_stopped(client)
  if has('nvim-0.11') then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function live_client(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or is_stopped(client) then
    return nil
  end
  return client
end

local function client_config(root)
  return {
    name = 'chart-lsp',
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = server_settings(),
    settings = { chartLsp = server_settings() },
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = M.config.on_attach,
    flags = M.config.flags,
    -- Neovim 0.7 does not send the settings by itself; the server also asks
    -- for them with workspace/configuration, which the default handler answers
    on_init = function(client, result)
      client_notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
      if M.config.on_init then
        M.config.on_init(client, result)
      end
    end,
  }
end

--- Attaches the client of this workspace root to `bufnr`, starting it when needed.
local function ensure_client(root, bufnr)
  local id
  local client = live_client(clients_by_root[root])
  if client then
    id = client.id
  else
    local ok, result
    if has('nvim-0.10') then
      -- vim.lsp.start reuses a running client and replaces the deprecated start_client
      ok, result = pcall(vim.lsp.start, client_config(root), {
        bufnr = bufnr,
        reuse_client = function(c, config)
          return c.name == config.name and c.config.root_dir == config.root_dir
        end,
      })
    else
      ok, result = pcall(vim.lsp.start_client, client_config(root)) -- Neovim 0.7 to 0.9
    end
    id = ok and result or nil
    if id == nil then
      local why = ok and '' or (': ' .. tostring(result))
      notify('could not start ' .. table.concat(M.config.cmd, ' ') .. why, vim.log.levels.ERROR)
      return nil
    end
  end
  clients_by_root[root] = id
  if not vim.lsp.buf_is_attached(bufnr, id) then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local schedule_refresh_for_edit -- defined with the preview below
local schedule_refresh

--- Attaches chart-lsp to the buffer when it is a chart template or values file.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if M.config == nil or M.config.use_lspconfig then
    return nil
  end
  local info = wanted(bufnr)
  if info == nil then
    return nil
  end
  local root = root_for(vim.api.nvim_buf_get_name(bufnr))
  if root == nil then
    return nil
  end
  local id = ensure_client(root, bufnr)
  if id == nil then
    return nil
  end
  if vim.bo[bufnr].omnifunc == '' then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc' -- <C-x><C-o> completes from chart-lsp
  end
  if not watched[bufnr] then
    watched[bufnr] = true
    vim.api.nvim_buf_attach(bufnr, false, {
      on_lines = function()
        schedule_refresh_for_edit(bufnr)
      end,
      on_detach = function()
        watched[bufnr] = nil
      end,
    })
  end
  return id
end

--- The chart-lsp client attached to `bufnr`, if any.
function M.client_for(bufnr)
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(attached) do
    if client.name == 'chart-lsp' then
      return client
    end
  end
  return nil
end

--- Replaces the extra values files (same shape as `values_files` in setup) and
--- tells the running servers; open previews re-render.
function M.set_values_files(values_files)
  if M.config == nil then
    M.setup({})
  end
  M.config.values_files = values_files or {}
  for _, id in pairs(clients_by_root) do
    local client = live_client(id)
    if client then
      client.config.settings = { chartLsp = server_settings() }
      client_notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
    end
  end
  for src, _ in pairs(previews) do
    schedule_refresh(src)
  end
end

-- Rendered preview ---------------------------------------------------------

local function set_preview_text(state, text)
  if not vim.api.nvim_buf_is_valid(state.buf) then
    return
  end
  local lines = vim.split(text, '\n', { plain = true })
  if #lines > 1 and lines[#lines] == '' then
    table.remove(lines) -- the final newline is not an empty line
  end
  vim.bo[state.buf].modifiable = true
  vim.api.nvim_buf_set_lines(state.buf, 0, -1, false, lines)
  vim.bo[state.buf].modifiable = false
  vim.bo[state.buf].modified = false
end

local function error_text(name, message)
  local out = { '# chart-lsp could not render ' .. name .. ':' }
  for _, line in ipairs(vim.split(vim.trim(message), '\n', { plain = true })) do
    table.insert(out, vim.trim('# ' .. line))
  end
  return table.concat(out, '\n')
end

--- Asks the server to render the template again; answers to older requests are dropped.
local function refresh(src)
  local state = previews[src]
  if state == nil then
    return
  end
  if not vim.api.nvim_buf_is_valid(state.buf) or not vim.api.nvim_buf_is_valid(src) then
    M.close_preview(src)
    return
  end
  local client = M.client_for(src)
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(src), ':t')
  if client == nil then
    -- the server may still be starting: try again for up to ten seconds
    if state.waits < 100 then
      state.waits = state.waits + 1
      state.timer:stop()
      state.timer:start(100, 0, vim.schedule_wrap(function()
        refresh(src)
      end))
      return
    end
    set_preview_text(state, error_text(name, 'chart-lsp is not running for this buffer (see :messages and the LSP log)'))
    return
  end
  state.waits = 0
  state.seq = state.seq + 1
  local seq = state.seq
  local params = { command = 'chart.renderPreview', arguments = { vim.uri_from_bufnr(src) } }
  -- no bufnr: the client first sends pending edits of every buffer (values files too)
  request(client, 'workspace/executeCommand', params, function(err, result)
    if previews[src] ~= state or seq ~= state.seq then
      return -- a newer render was requested meanwhile
    end
    state.renders = state.renders + 1
    if err then
      set_preview_text(state, error_text(name, err.message or vim.inspect(err)))
    elseif type(result) == 'string' then
      set_preview_text(state, result)
    elseif result == nil or result == vim.NIL then
      set_preview_text(state, '# chart-lsp returned no rendered output for this template')
    else
      set_preview_text(state, vim.inspect(result))
    end
  end)
end

schedule_refresh = function(src)
  local state = previews[src]
  if state == nil then
    return
  end
  state.timer:stop()
  state.timer:start(M.config.preview_debounce_ms, 0, vim.schedule_wrap(function()
    refresh(src)
  end))
end

--- An edit of `bufnr`: refresh every preview of the same (outermost) chart.
schedule_refresh_for_edit = function(bufnr)
  if next(previews) == nil then
    return
  end
  local changed_chart = chart.outermost_chart_root(vim.api.nvim_buf_get_name(bufnr))
  for src, state in pairs(previews) do
    if src == bufnr or (changed_chart ~= nil and changed_chart == state.chart) then
      schedule_refresh(src)
    end
  end
end

function M.close_preview(src)
  local state = previews[src]
  if state == nil then
    return
  end
  previews[src] = nil
  state.timer:stop()
  state.timer:close()
  if vim.api.nvim_buf_is_valid(state.buf) then
    vim.api.nvim_buf_delete(state.buf, { force = true })
  end
end

--- `:ChartPreview`: a read-only split with the rendered template. Returns the preview buffer.
function M.preview(src)
  src = (src == nil or src == 0) and vim.api.nvim_get_current_buf() or src
  local file = vim.api.nvim_buf_get_name(src)
  local info = chart.classify(file)
  if info == nil or info.kind ~= 'template' then
    notify(':ChartPreview works on a chart template (a file under templates/ next to a Chart.yaml)', vim.log.levels.WARN)
    return nil
  end
  if M.config == nil then
    M.setup({})
  end
  M.attach(src)

  local state = previews[src]
  if state ~= nil and vim.api.nvim_buf_is_valid(state.buf) then
    if vim.fn.bufwinid(state.buf) == -1 then
      vim.cmd('vertical sbuffer ' .. state.buf)
      vim.cmd('wincmd p')
    end
    refresh(src)
    return state.buf
  end

  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_name(buf, 'chart-preview://' .. file)
  vim.bo[buf].filetype = file:lower():match('%.txt$') and 'text' or 'yaml'
  vim.bo[buf].modifiable = false
  state = { buf = buf, seq = 0, renders = 0, waits = 0, chart = chart.outermost_chart_root(file), timer = vim.loop.new_timer() }
  previews[src] = state
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    once = true,
    callback = function()
      if previews[src] == state then
        previews[src] = nil
        state.timer:stop()
        state.timer:close()
      end
    end,
  })
  vim.cmd('vertical sbuffer ' .. buf)
  vim.cmd('wincmd p')
  set_preview_text(state, '# rendering ' .. vim.fn.fnamemodify(file, ':t') .. ' ...')
  refresh(src)
  return buf
end

--- Preview state of a source buffer (for tests and statuslines).
function M.preview_state(src)
  return previews[src]
end

-- Setup ---------------------------------------------------------------------

local function setup_lspconfig()
  local ok, configs = pcall(require, 'lspconfig.configs')
  if not ok then
    notify('use_lspconfig is set but nvim-lspconfig is not installed; using the built-in client', vim.log.levels.WARN)
    M.config.use_lspconfig = false
    return false
  end
  if not configs.chart_lsp then
    configs.chart_lsp = {
      default_config = {
        cmd = M.config.cmd,
        filetypes = { 'helm', 'yaml' },
        root_dir = function(fname)
          local info = chart.classify(fname)
          return info and root_for(fname) or nil
        end,
        single_file_support = false,
        init_options = server_settings(),
        settings = { chartLsp = server_settings() },
      },
      docs = { description = 'chart-lsp: language server for Helm chart templates (kubectl-chart)' },
    }
  end
  require('lspconfig').chart_lsp.setup({
    on_attach = M.config.on_attach,
    capabilities = M.config.capabilities,
    flags = M.config.flags,
  })
  return true
end

--- require('kubectl-chart').setup{ cmd = {...}, values_files = { ["charts/web"] = {"values-prod.yaml"} } }
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  if type(M.config.cmd) == 'string' then
    M.config.cmd = { M.config.cmd }
  end
  if opts.values_files then
    M.config.values_files = opts.values_files -- lists are replaced, not merged
  end
  local group = vim.api.nvim_create_augroup('kubectl_chart_lsp', { clear = true })
  if M.config.use_lspconfig and setup_lspconfig() then
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = { 'helm', 'yaml' },
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- buffers opened before setup
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

return M

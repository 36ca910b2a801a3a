--- Which files belong to a chart and as what (the same rules as the VS Code
--- extension): templates are files under a chart's `templates/` directory and
--- `*.tpl` files inside a chart; values files are `values*.yaml` next to a
--- Chart.yaml. Also finds the workspace root the server is started for.
local M = {}

local uv = vim.loop

local function is_file(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'file'
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'directory'
end

--- Parent directory, or nil at the file system root.
local function parent(path)
  local p = vim.fn.fnamemodify(path, ':h')
  if p == path then
    return nil
  end
  return p
end

local function basename(path)
  return vim.fn.fnamemodify(path, ':t')
end

local function is_chart_dir(dir)
  return is_file(dir .. '/Chart.yaml')
end

--- Absolute, normalized path without a trailing slash.
function M.normalize(path)
  local full = vim.fn.fnamemodify(path, ':p')
  if #full > 1 then
    full = full:gsub('/+$', '')
  end
  return full
end

--- The nearest directory above `file` holding a Chart.yaml.
function M.nearest_chart_root(file)
  local dir = parent(M.normalize(file))
  while dir do
    if is_chart_dir(dir) then
      return dir
    end
    dir = parent(dir)
  end
  return nil
end

--- The outermost chart containing `file` (subcharts belong to their parent too).
function M.outermost_chart_root(file)
  local found = nil
  local dir = parent(M.normalize(file))
  while dir do
    if is_chart_dir(dir) then
      found = dir
    end
    dir = parent(dir)
  end
  return found
end

--- Classifies `file`: { kind = 'template'|'values', root = chart dir } or nil.
function M.classify(file)
  if file == nil or file == '' or file:match('^%a[%w+.-]*://') then
    return nil -- unnamed buffers and URIs (e.g. our own previews)
  end
  file = M.normalize(file)
  local name = basename(file)
  local own_dir = parent(file)
  if own_dir == nil then
    return nil
  end
  if name:lower():match('^values.*%.ya?ml$') and is_chart_dir(own_dir) then
    return { kind = 'values', root = own_dir }
  end
  -- walk up to the nearest chart; a template passed through its templates/ dir
  local child = nil
  local dir = own_dir
  while dir do
    if is_chart_dir(dir) then
      if child ~= nil and basename(child) == 'templates' then
        return { kind = 'template', root = dir }
      end
      if name:lower():match('%.tpl$') then
        return { kind = 'template', root = dir }
      end
      return nil
    end
    child = dir
    dir = parent(dir)
  end
  return nil
end

--- The directory the server works in for `file`: the enclosing git work tree
--- (so several charts share one server) or else the outermost chart.
function M.workspace_root(file)
  local chart_root = M.outermost_chart_root(file)
  if chart_root == nil then
    return nil
  end
  local dir = chart_root
  while dir do
    if is_dir(dir .. '/.git') or is_file(dir .. '/.git') then
      return dir
    end
    dir = parent(dir)
  end
  return chart_root
end

return M

-- Each request creates a new hamlet (unique name per thread and request), so every request is a committed write.
local counter = 0
local thread_id = 0
local session = os.getenv("HV_SESSION")
local csrf = os.getenv("HV_CSRF")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("prefix", "Thôn Đo " .. thread_id .. "-")
end

function request()
  counter = counter + 1
  local body = '{"name":"' .. prefix .. counter .. '","kind":"thon"}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Cookie"] = session,
    ["X-CSRF-Token"] = csrf,
  }, body)
end

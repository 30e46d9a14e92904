-- wrk script: send the session cookie as a browser does, replacing it by the one each
-- response sets (the portal refreshes an active session's cookie every 30 s or so; replaying
-- the first cookie for minutes would make every response re-sign a stale one).
-- The cookie to start with comes from the environment (WRK_COOKIE, `name=value`).

local cookie = os.getenv("WRK_COOKIE")
local req

local function build()
  req = wrk.format(nil, nil, { ["Cookie"] = cookie })
end

function init(args)
  build()
end

function request()
  return req
end

function response(status, headers, body)
  local set = headers["Set-Cookie"]
  if set then
    local value = set:match("^([^;]+)")
    if value and value ~= cookie then
      cookie = value
      build()
    end
  end
end

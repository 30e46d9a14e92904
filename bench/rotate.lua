-- wrk script: many distinct requests taken in turn, as many visitors make them. The requests
-- come from the file named by WRK_REQUESTS, one a line: "path<TAB>cookie" (the cookie may be
-- left out). Each wrk thread starts at its own place in the list, so that the threads do not
-- walk it side by side.

local made = 0

function setup(thread)
  thread:set("id", made)
  made = made + 1
end

local requests = {}
local at = 0

function init(args)
  local file = assert(io.open(os.getenv("WRK_REQUESTS")))
  for line in file:lines() do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    local headers = {}
    if cookie ~= "" then
      headers["Cookie"] = cookie
    end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  file:close()
  at = ((id or 0) * math.floor(#requests / 2)) % #requests
end

function request()
  at = at % #requests + 1
  return requests[at]
end

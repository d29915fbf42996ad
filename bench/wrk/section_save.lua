-- wrk: closed-loop HTMX section saves, the way the editor posts them.
-- Each wrk thread is one logged-in enterprise with one connection (run wrk with -t N -c N): its session cookie,
-- its CSRF token, its application and the section's version come from the file named by WRK_USERS (one line per
-- thread: cookie<TAB>csrf<TAB>application id<TAB>version<TAB>url-encoded body without the version).
-- The next version is read from each answer (the hidden field the page carries), as the browser does; an answer
-- without "已保存" (a conflict, a refusal) counts as an error.
local users, counter, threads = {}, 0, {}

function setup(thread)
  if #users == 0 then
    for line in io.lines(os.getenv("WRK_USERS")) do
      local cookie, csrf, app, version, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      users[#users + 1] = {cookie = cookie, csrf = csrf, app = app, version = version, body = body}
    end
  end
  counter = counter + 1
  local user = users[(counter - 1) % #users + 1]
  thread:set("cookie", user.cookie)
  thread:set("csrf", user.csrf)
  thread:set("app", user.app)
  thread:set("version", user.version)
  thread:set("body", user.body)
  thread:set("failed", 0)
  threads[#threads + 1] = thread
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/applications/" .. app .. "/sections/" .. (os.getenv("WRK_SECTION") or "plan")
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRFToken"] = csrf
  wrk.headers["HX-Request"] = "true"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  return wrk.format(nil, nil, nil, body .. "&version=" .. version)
end

function response(status, headers, answer)
  local next_version = answer:match('name="version" type="hidden" value="(%d+)"')
  if status == 200 and next_version and answer:find("已保存", 1, true) then
    version = next_version
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local unsaved = 0
  for _, thread in ipairs(threads) do unsaved = unsaved + thread:get("failed") end
  io.write(string.format("WRK_RESULT requests=%d seconds=%.3f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d unsaved=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, unsaved))
end

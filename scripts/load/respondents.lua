-- wrk script for scripts/load.sh: respondents answering the survey through the real pages.
--
-- Run with as many threads as connections (-t N -c N): each thread is then one browser that visits
-- one respondent's link at a time, in order: landing page, start, each page shown and saved, the
-- check page, the submission. The visits come from the file `parindex loadtest prepare` writes
-- (a request a line, METHOD<TAB>PATH<TAB>BODY, a blank line between respondents); thread k takes
-- respondents k, k+N, k+2N, ... A thread with nothing left stops, and leaves a marker file so the
-- script can end the run once every thread has.
--
-- Arguments after "--": the visits file, the think time between requests in ms, a folder for the
-- markers, and the number of threads.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local visits, think_ms, markers, origin = {}, 0, nil, nil
local v, step, cookie = 1, 0, nil
submitted, failed, finished = 0, 0, false

function init(args)
   local file = args[1]
   think_ms = tonumber(args[2] or "0") or 0
   markers = args[3]
   local count = tonumber(args[4] or "1") or 1
   local index, current = 0, nil
   for line in io.lines(file) do
      if line == "" then
         current = nil
      else
         if current == nil then
            index = index + 1
            if (index - 1) % count == id then
               current = {}
               table.insert(visits, current)
            else
               current = false
            end
         end
         if current then
            local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
            table.insert(current, { method, path, body })
         end
      end
   end
   origin = wrk.scheme .. "://" .. wrk.host .. ":" .. tostring(wrk.port)
end

function delay()
   return think_ms
end

function request()
   local visit = visits[v]
   if visit == nil then
      return wrk.format("GET", "/healthz")
   end
   step = step + 1
   local r = visit[step]
   local headers = { ["Origin"] = origin, ["User-Agent"] = "parindex-load/1 (wrk)" }
   if cookie then
      headers["Cookie"] = cookie
   end
   local body = nil
   if r[1] == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = r[3] or ""
   end
   return wrk.format(r[1], r[2], headers, body)
end

function response(status, headers, body)
   local visit = visits[v]
   if visit == nil then
      if not finished then
         finished = true
         if markers then
            local f = io.open(markers .. "/done-" .. tostring(id), "w")
            if f then f:close() end
         end
      end
      wrk.thread:stop()
      return
   end
   local set = headers["Set-Cookie"] or headers["set-cookie"]
   if set then
      cookie = set:match("^([^;]+)")
   end
   if status >= 400 then
      failed = failed + 1
   end
   if step >= #visit then
      -- A submission that is in is sent on to its thank-you page (303).
      if status == 303 then
         submitted = submitted + 1
      end
      v, step, cookie = v + 1, 0, nil
   end
end

function done(summary, latency, requests)
   local s, f = 0, 0
   for _, t in ipairs(threads) do
      s = s + (t:get("submitted") or 0)
      f = f + (t:get("failed") or 0)
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format("requests: %d in %.1f s\n", summary.requests, secs))
   io.write(string.format("throughput: %.1f requests/s\n", summary.requests / secs))
   io.write(string.format("latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
   io.write(string.format("submissions acknowledged: %d\n", s))
   io.write(string.format("errors: %d (HTTP status >= 400: %d, connect %d, read %d, write %d, timeout %d)\n",
      f + e.connect + e.read + e.write + e.timeout, f, e.connect, e.read, e.write, e.timeout))
end

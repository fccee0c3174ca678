-- The mixed load of bench/load.py: visitors browse the catalogue and quote a room, a member browses with their
-- own prices, integrators order tickets through the API (one idempotency key per order). Counts the answers by
-- status (pages answer 200, orders 201, or 409 once sold out) and prints them as JSON after the run.
local offer, room, cookie = os.getenv("LOAD_OFFER"), os.getenv("LOAD_ROOM"), os.getenv("LOAD_COOKIE")
local pages = {"/catalogue", "/catalogue?page=2", "/catalogue?kind=service", "/catalogue?q=robotique",
               "/catalogue?kind=event_ticket&sort=date", "/", "/events"}
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(os.time() + id * 1000)
   counts = {}
end

function request()
   local pick = math.random(100)
   if pick <= 45 then
      return wrk.format("GET", pages[math.random(#pages)])
   elseif pick <= 60 then
      local day = string.format("2027-%02d-%02d", math.random(1, 12), math.random(1, 28))
      return wrk.format("GET", "/offers/" .. room .. "?date=" .. day .. "&slot=half_day&people=" .. math.random(20, 50))
   elseif pick <= 80 then
      return wrk.format("GET", pages[math.random(3)], {["Cookie"] = cookie})
   end
   counter = counter + 1
   local body = '{"lines": [{"offer_id": ' .. offer .. ', "quantity": 1}], "idempotency_key": "load-' .. id .. '-' ..
      counter .. '-' .. math.random(1000000000) .. '", "buyer": {"name": "Entreprise de charge", ' ..
      '"email": "achats@exemple.fr", "address": "1 rue du Port", "postal_code": "44000", "city": "Nantes"}}'
   return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      local part = thread:get("counts")
      for key, n in pairs(part) do total[key] = (total[key] or 0) + n end
   end
   local items = {}
   for key, n in pairs(total) do table.insert(items, string.format('"%s": %d', key, n)) end
   io.write("STATUSES {" .. table.concat(items, ", ") .. "}\n")
end

-- wrk script: POST /v1/customers with a form body and a Stripe secret key.
-- The key comes from the environment (STRIPE_KEY), the path is the URL's.
wrk.method = "POST"
wrk.body = "email=bench%40example.com&name=Bench+Customer"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("STRIPE_KEY") or "sk_test_bench")

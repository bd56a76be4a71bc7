-- Erlang C for an M/M/c queue, in SQL, for the analytics views (the same formulas as
-- pipelines/planning/erlang.py: Erlang B by its stable recurrence, then C; docs/staffing-model.md).
-- Times in minutes; arrivals per hour.
create or replace function analytics.erlang_service_level(
    tickets_per_hour double precision,
    servers integer,
    service_minutes double precision default 2,
    wait_minutes double precision default 3
) returns double precision
language plpgsql immutable as $$
declare
    offered double precision := tickets_per_hour * service_minutes / 60.0;
    blocking double precision := 1.0;
    waiting double precision;
begin
    if tickets_per_hour is null or servers is null then
        return null;
    end if;
    if offered <= 0 then
        return 1.0;  -- nobody came: nobody waited
    end if;
    if servers <= offered then
        return 0.0;  -- the line grows without end: nobody is served in time
    end if;
    for k in 1..servers loop
        blocking := offered * blocking / (k + offered * blocking);
    end loop;
    waiting := servers * blocking / (servers - offered * (1 - blocking));
    return 1.0 - waiting * exp(-(servers - offered) * wait_minutes / service_minutes);
end
$$;

comment on function analytics.erlang_service_level(double precision, integer, double precision,
                                                   double precision) is
    'Share of customers served within wait_minutes with this many servers (Erlang C, M/M/c).';

create or replace function analytics.erlang_servers_needed(
    tickets_per_hour double precision,
    target double precision default 0.8,
    service_minutes double precision default 2,
    wait_minutes double precision default 3
) returns integer
language plpgsql immutable as $$
declare
    servers integer := 0;
begin
    if tickets_per_hour is null then
        return null;
    end if;
    if tickets_per_hour <= 0 then
        return 0;
    end if;
    loop
        servers := servers + 1;
        exit when analytics.erlang_service_level(tickets_per_hour, servers, service_minutes,
                                                 wait_minutes) >= target - 1e-12;
    end loop;
    return servers;
end
$$;

comment on function analytics.erlang_servers_needed(double precision, double precision,
                                                    double precision, double precision) is
    'Fewest servers whose Erlang C service level reaches target (0 when nobody comes).';

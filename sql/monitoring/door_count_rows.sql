-- How many store-hours of door counts business dates :first..:last hold (to size a sample).
select count(*) from core.door_counts where business_date between :first and :last

from rest_framework.routers import DefaultRouter

from fenlei.people.api import views

app_name = "people-api"

router = DefaultRouter()
router.register("leading-groups", views.LeadingGroupViewSet, basename="group")
router.register("leading-group-members", views.LeadingGroupMemberViewSet, basename="member")
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("service-records", views.ServiceRecordViewSet, basename="service")
router.register("supervisors", views.SupervisorViewSet, basename="supervisor")
router.register("party-member-links", views.PartyMemberLinkViewSet, basename="partylink")
router.register("kitchen-waste-groups", views.KitchenWasteGroupViewSet, basename="kitchengroup")
router.register("four-party-linkages", views.FourPartyLinkageViewSet, basename="fourparty")
router.register("participation", views.ParticipationViewSet, basename="participation")
urlpatterns = router.urls

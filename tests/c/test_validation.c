/* test_validation.c - the request rules of every provider operation (validate.h).
 *
 * Requests are written with single quotes for readability; they become double
 * quotes before parsing (so \\' in a C literal is an escaped quote inside a
 * JSON string). SE_VAL_LIST=1 prints the number of cases per rule, SE_VAL_SHOW=1
 * every request with its message and warnings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "validate.h"

typedef se_status (*check_fn)(cJSON *, se_diag *);

#define S_EV se_check_sinch_send_event
#define S_MSG se_check_sinch_send_message
#define Z_EV se_check_zapi_send_event
#define Z_EDIT se_check_zapi_edit_event
#define Z_RESP se_check_zapi_respond_event
#define C_EV se_check_connect_send_event
#define C_MSG se_check_connect_send_message
#define C_CONN se_check_connect_create_connection
#define C_DISC se_check_connect_disconnect

/* --- request shorthands ---------------------------------------------------- */

#define RCP "'recipient':{'contact_id':'C1'}"
/* Sinch events:send with this event / with extra top-level fields / this recipient */
#define SEV(ev) "{'app_id':'A'," RCP ",'event':" ev "}"
#define SEVX(x) "{'app_id':'A'," RCP ",'event':{'composing_event':{}}," x "}"
#define SREC(r) "{'app_id':'A','recipient':" r ",'event':{'composing_event':{}}}"
#define AGENT(a) SEV("{'agent_joined_event':{'agent':" a "}}")
/* Sinch messages:send with this message / one message kind / extra top-level fields */
#define SMS(m) "{'app_id':'A'," RCP ",'message':" m "}"
#define SMK(kind, body) SMS("{'" kind "':" body "}")
#define SMSX(x) "{'app_id':'A'," RCP ",'message':{'text_message':{'text':'hi'}}," x "}"
#define CH "{'text_message':{'text':'t'}}"
#define CH5 CH "," CH "," CH "," CH "," CH
#define CHOICES(c) SMK("choice_message", "{'choices':[" c "]}")
#define CARD "{'title':'T'}"
#define CARD5 CARD "," CARD "," CARD "," CARD "," CARD
#define LOC(c) SMK("location_message", "{'title':'T','coordinates':" c "}")
#define CONTACT(x) SMK("contact_info_message", "{'name':{'full_name':'N'}," x "}")
#define PHONES "'phone_numbers':[{'phone_number':'+4670'}]"
#define LIST(s) SMK("list_message", "{'title':'L','sections':" s "}")
#define LCH "{'choice':{'title':'c'}}"
#define LPR "{'product':{'id':'p','marketplace':'FACEBOOK'}}"
#define TPL(t) SMK("template_message", t)

/* Z-API */
#define GROUP "120363019502650977-group"
#define ZPH(p) "{'phone':'" p "','event':{'name':'N','dateTime':'2024-04-29T09:30'}}"
#define ZSE(ev) "{'phone':'" GROUP "','event':" ev "}"
#define ZEVX(x) ZSE("{'name':'N','dateTime':'2024-04-29T09:30'," x "}")
#define ZDT(dt) ZSE("{'name':'N','dateTime':'" dt "'}")
#define ZTZ(tz) ZEVX("'timeZone':'" tz "'")
#define ZED(x) "{'phone':'" GROUP "','eventMessageId':'D241XXXX732339502B68'," x "}"
#define ZEDIT(ev) ZED("'event':" ev)
#define ZRESP(r) ZED("'eventResponse':'" r "'")
#define ZSEED(link)                                                                                \
    ZSE("{'name':'Event Name','description':'Event Description',"                                  \
        "'dateTime':'2024-04-29T09:30:53.309Z','location':{'name':'Location Name'},"               \
        "'callLinkType':'" link "','canceled':false}")

/* Amazon Connect */
#define TOK "'ConnectionToken':'tok-123'"
#define EVT "application/vnd.amazonaws.connect.event."
#define CEV(ct) "{" TOK ",'ContentType':'" EVT ct "'}"
#define CEVC(ct, c) "{" TOK ",'ContentType':'" EVT ct "','Content':'" c "'}"
#define CEVX(x) "{" TOK ",'ContentType':'" EVT "typing'," x "}"
#define CMSG(x) "{" TOK "," x "}"
#define CCON(x) "{'ParticipantToken':'ptok'," x "}"
#define RECEIPT "{\\'messageId\\':\\'11111111-aaaa-bbbb-cccc-EXAMPLE01234\\'}"

/* --- the table ----------------------------------------------------------------- */

typedef struct vcase {
    const char *rule; /* what the case is about, for SE_VAL_LIST */
    check_fn fn;
    const char *json;
    const char *err;  /* NULL: must pass; else a substring of se_diag_msg(&d) */
    const char *warn; /* substring of d.warnings; NULL on a passing case: no warning */
} vcase;

#define OK(rule, fn, json)                                                                         \
    { rule, fn, json, NULL, NULL }
#define OKW(rule, fn, json, warn)                                                                  \
    { rule, fn, json, NULL, warn }
#define BAD(rule, fn, json, err)                                                                   \
    { rule, fn, json, err, NULL }

static const vcase CASES[] = {
    /* every operation: types, unknown and repeated fields */
    BAD("unknown field", S_EV, SEVX("'foo':1"), "foo: unknown field"),
    BAD("unknown field", S_MSG, SMSX("'App_id':'x'"), "App_id: unknown field"),
    BAD("unknown field", Z_EV, "{'phone':'" GROUP "','event':{},'delay':1}",
        "delay: unknown field"),
    BAD("unknown field", Z_EDIT, ZED("'event':{'name':'N','dateTime':'2024-04-29T09:30'},'x':1"),
        "x: unknown field"),
    BAD("unknown field", Z_RESP, ZED("'eventResponse':'GOING','event':{}"), "event: unknown field"),
    BAD("unknown field", C_EV, CEVX("'contentType':'x'"), "contentType: unknown field"),
    BAD("unknown field", C_MSG, CMSG("'ContentType':'text/plain','Content':'x','Foo':1"),
        "Foo: unknown field"),
    BAD("unknown field", C_CONN, CCON("'ConnectParticipant':true,'ConnectionToken':'t'"),
        "ConnectionToken: unknown field"),
    BAD("unknown field", C_DISC, "{" TOK ",'Content':'x'}", "Content: unknown field"),
    BAD("duplicate field", S_EV,
        "{'app_id':'A','app_id':'B'," RCP ",'event':{'composing_event':{}}}",
        "app_id: duplicate field"),
    BAD("duplicate field", S_MSG, SMS("{'text_message':{'text':'a','text':'b'}}"),
        "message.text_message.text: duplicate field"),
    BAD("duplicate field", C_EV, "{" TOK "," TOK ",'ContentType':'" EVT "typing'}",
        "ConnectionToken: duplicate field"),
    BAD("wrong type", S_EV, "{'app_id':5," RCP ",'event':{'composing_event':{}}}",
        "app_id: must be a string, got number"),
    BAD("wrong type", S_EV, "{'app_id':null," RCP ",'event':{'composing_event':{}}}",
        "app_id: must be a string, got null"),
    BAD("wrong type", Z_EV, "{'phone':5511999999999,'event':{}}",
        "phone: must be a string, got number"),
    BAD("wrong type", C_CONN, CCON("'ConnectParticipant':'true'"),
        "ConnectParticipant: must be a boolean, got string"),

    /* Sinch common: app_id, recipient, callback_url, channel_priority_order, queue */
    BAD("sinch app_id", S_EV, "{" RCP ",'event':{'composing_event':{}}}", "app_id: required"),
    BAD("sinch app_id", S_MSG, "{'app_id':''," RCP ",'message':{'text_message':{'text':'x'}}}",
        "app_id: must not be empty"),
    BAD("sinch recipient", S_EV, "{'app_id':'A','event':{'composing_event':{}}}",
        "recipient: required"),
    BAD("sinch recipient", S_MSG, "{'app_id':'A','recipient':[],'message':{}}",
        "recipient: must be an object, got array"),
    BAD("sinch recipient", S_EV,
        SREC("{'contact_id':'C','identified_by':{'channel_identities':[{'channel':'SMS','identity':"
             "'1'}]}}"),
        "recipient: exactly one of contact_id, identified_by is required, got both"),
    BAD("sinch recipient", S_MSG,
        "{'app_id':'A','recipient':{},'message':{'text_message':{'text':'x'}}}",
        "recipient: exactly one of contact_id, identified_by is required, got none"),
    BAD("sinch recipient", S_EV, SREC("{'contact_id':''}"),
        "recipient.contact_id: must not be empty"),
    BAD("sinch recipient", S_EV, SREC("{'contact_id':7}"),
        "recipient.contact_id: must be a string, got number"),
    BAD("sinch recipient", S_EV, SREC("{'contact_id':'C','phone':'1'}"),
        "recipient.phone: unknown field"),
    BAD("sinch recipient", S_EV, SREC("{'identified_by':{}}"),
        "recipient.identified_by.channel_identities: required"),
    BAD("sinch recipient", S_EV, SREC("{'identified_by':{'channel_identities':[]}}"),
        "recipient.identified_by.channel_identities: must not be empty"),
    BAD("sinch recipient", S_EV, SREC("{'identified_by':{'channel_identities':{}}}"),
        "recipient.identified_by.channel_identities: must be an array, got object"),
    BAD("sinch recipient", S_EV, SREC("{'identified_by':{'channel_identities':['SMS']}}"),
        "recipient.identified_by.channel_identities[0]: must be an object, got string"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'channel':'SMS','identity':'1'},{'channel':'"
             "SMS'}]}}"),
        "recipient.identified_by.channel_identities[1].identity: required"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'identity':'1'}]}}"),
        "recipient.identified_by.channel_identities[0].channel: required"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'channel':7,'identity':'1'}]}}"),
        "recipient.identified_by.channel_identities[0].channel: must be a string, got number"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'channel':'SMS','identity':''}]}}"),
        "recipient.identified_by.channel_identities[0].identity: must not be empty"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'channel':'SMS','identity':'1','app_id':'x'}"
             "]}}"),
        "recipient.identified_by.channel_identities[0].app_id: unknown field"),
    BAD("sinch recipient", S_EV,
        SREC("{'identified_by':{'channel_identities':[{'channel':'SMS','identity':'1'}],'x':1}}"),
        "recipient.identified_by.x: unknown field"),
    OK("sinch recipient", S_EV,
       SREC("{'identified_by':{'channel_identities':[{'channel':'WHATSAPP','identity':'46701'},"
            "{'channel':'SMS','identity':'46701'}]}}")),
    OKW("sinch recipient", S_MSG,
        "{'app_id':'A','recipient':{'identified_by':{'channel_identities':[{'channel':'FOO',"
        "'identity':'1'}]}},'message':{'text_message':{'text':'x'}}}",
        "recipient.identified_by.channel_identities[0].channel: unknown channel \"FOO\" (sent as "
        "given)"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'ftp://example.com/cb'"),
        "callback_url: must be an http:// or https:// URL"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'example.com/cb'"),
        "callback_url: must be an http:// or https:// URL"),
    BAD("sinch callback_url", S_MSG, SMSX("'callback_url':'https://'"),
        "callback_url: must be an http:// or https:// URL with a host"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'http:///path'"),
        "callback_url: must be an http:// or https:// URL with a host"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'http://host:99999/'"),
        "callback_url: must be an http:// or https:// URL with a host"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'http://host:8a/'"),
        "callback_url: must be an http:// or https:// URL with a host"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':'https://exa mple.com/'"),
        "callback_url: must be a URL without spaces or control characters"),
    BAD("sinch callback_url", S_EV, SEVX("'callback_url':12"),
        "callback_url: must be a string, got number"),
    OK("sinch callback_url", S_EV, SEVX("'callback_url':'http://host:8080/path'")),
    OK("sinch callback_url", S_EV, SEVX("'callback_url':'HTTPS://example.com?x=1#y'")),
    OK("sinch callback_url", S_MSG, SMSX("'callback_url':'https://[::1]:443/cb'")),
    OK("sinch callback_url", S_MSG, SMSX("'callback_url':'https://user:pw@hooks.example.com/'")),
    BAD("sinch channel_priority_order", S_EV, SEVX("'channel_priority_order':'WHATSAPP'"),
        "channel_priority_order: must be an array, got string"),
    BAD("sinch channel_priority_order", S_MSG, SMSX("'channel_priority_order':['SMS',1]"),
        "channel_priority_order[1]: must be a string, got number"),
    BAD("sinch channel_priority_order", S_MSG, SMSX("'channel_priority_order':['']"),
        "channel_priority_order[0]: must not be empty"),
    OK("sinch channel_priority_order", S_EV, SEVX("'channel_priority_order':['WHATSAPP']")),
    OK("sinch channel_priority_order", S_MSG, SMSX("'channel_priority_order':['WHATSAPP','SMS']")),
    OKW("sinch channel_priority_order", S_EV, SEVX("'channel_priority_order':['FOO']"),
        "channel_priority_order[0]: unknown channel \"FOO\" (sent as given)"),
    OKW("sinch channel_priority_order", S_EV, SEVX("'channel_priority_order':['SMS','RCS']"),
        "channel_priority_order: events:send uses only the first channel, 2 given"),
    BAD("sinch queue", S_EV, SEVX("'queue':'LOW'"),
        "queue: must be one of NORMAL_PRIORITY, HIGH_PRIORITY, got \"LOW\""),
    BAD("sinch queue", S_MSG, SMSX("'queue':1"), "queue: must be a string, got number"),
    OK("sinch queue", S_EV, SEVX("'queue':'HIGH_PRIORITY'")),
    OK("sinch queue", S_MSG, SMSX("'queue':'NORMAL_PRIORITY'")),

    /* Sinch events:send */
    BAD("sinch event", S_EV, "{'app_id':'A'," RCP "}", "event: required"),
    BAD("sinch event", S_EV, SEV("'composing'"), "event: must be an object, got string"),
    BAD("sinch event", S_EV, SEV("{}"),
        "event: exactly one of composing_event, composing_end_event, comment_reply_event, "
        "agent_joined_event, agent_left_event, generic_event is required, got none"),
    BAD("sinch event", S_EV, SEV("{'composing_event':{},'composing_end_event':{}}"),
        "is required, got composing_event and composing_end_event"),
    BAD("sinch event", S_EV, SEV("{'typing_event':{}}"), "event.typing_event: unknown field"),
    BAD("sinch event", S_EV, SEV("{'composing_event':{'x':1}}"),
        "event.composing_event.x: unknown field"),
    BAD("sinch event", S_EV, SEV("{'composing_end_event':[]}"),
        "event.composing_end_event: must be an object, got array"),
    BAD("sinch event", S_EV, SEV("{'comment_reply_event':{}}"),
        "event.comment_reply_event.text: required"),
    BAD("sinch event", S_EV, SEV("{'comment_reply_event':{'text':''}}"),
        "event.comment_reply_event.text: must not be empty"),
    BAD("sinch event", S_EV, SEV("{'agent_left_event':{}}"),
        "event.agent_left_event.agent: required"),
    BAD("sinch event", S_EV, SEV("{'generic_event':{}}"), "event.generic_event.payload: required"),
    BAD("sinch event", S_EV, SEV("{'generic_event':{'payload':'x'}}"),
        "event.generic_event.payload: must be an object, got string"),
    BAD("sinch event", S_EV, SEV("{'generic_event':{'payload':{},'x':1}}"),
        "event.generic_event.x: unknown field"),
    BAD("sinch event", S_EV, SEVX("'event_metadata':5"),
        "event_metadata: must be a string, got number"),
    OK("sinch event", S_EV, SEV("{'composing_event':{}}")),
    OK("sinch event", S_EV, SEV("{'composing_end_event':{}}")),
    OK("sinch event", S_EV, SEV("{'comment_reply_event':{'text':'Thanks!'}}")),
    OK("sinch event", S_EV, SEV("{'generic_event':{'payload':{'a':[1,{'b':null}]}}}")),
    OK("sinch event", S_EV,
       "{'app_id':'A'," RCP ",'event':{'app_event':{'composing_event':{}}},"
       "'callback_url':'https://cb.example.com/x','channel_priority_order':['WHATSAPP'],"
       "'event_metadata':'m','queue':'HIGH_PRIORITY'}"),
    BAD("sinch event app_event", S_EV,
        SEV("{'app_event':{'composing_event':{}},'composing_event':{}}"),
        "event.composing_event: not allowed beside app_event"),
    BAD("sinch event app_event", S_EV, SEV("{'app_event':{'composing_event':{}},'app_event':{}}"),
        "event.app_event: duplicate field"),
    BAD("sinch event app_event", S_EV, SEV("{'app_event':'x'}"),
        "event.app_event: must be an object, got string"),
    BAD("sinch event app_event", S_EV, SEV("{'app_event':{}}"),
        "event.app_event: exactly one of composing_event"),
    BAD("sinch event app_event", S_EV,
        SEV("{'app_event':{'agent_joined_event':{'agent':{'display_name':'Ann'}}}}"),
        "event.app_event.agent_joined_event.agent.type: required"),
    BAD("sinch agent", S_EV, AGENT("{'type':'BOT'}"),
        "event.agent_joined_event.agent.display_name: required"),
    BAD("sinch agent", S_EV, AGENT("{'display_name':'','type':'BOT'}"),
        "event.agent_joined_event.agent.display_name: must not be empty"),
    BAD("sinch agent", S_EV, AGENT("{'display_name':'Ann'}"),
        "event.agent_joined_event.agent.type: required"),
    BAD("sinch agent", S_EV, AGENT("{'display_name':'Ann','type':'ROBOT'}"),
        "event.agent_joined_event.agent.type: must be one of UNKNOWN_AGENT_TYPE, HUMAN, BOT"),
    BAD("sinch agent", S_EV, AGENT("{'display_name':'Ann','type':'BOT','picture_url':'nope'}"),
        "event.agent_joined_event.agent.picture_url: must be an http:// or https:// URL"),
    BAD("sinch agent", S_EV, AGENT("{'display_name':'Ann','type':'BOT','email':'a@b'}"),
        "event.agent_joined_event.agent.email: unknown field"),
    BAD("sinch agent", S_EV, AGENT("'Ann'"),
        "event.agent_joined_event.agent: must be an object, got string"),
    BAD("sinch agent", S_MSG, SMS("{'text_message':{'text':'x'},'agent':{'display_name':'Ann'}}"),
        "message.agent.type: required"),
    OK("sinch agent", S_EV,
       AGENT("{'display_name':'Ann','type':'HUMAN','picture_url':'https://x.example/a.png'}")),
    OK("sinch agent", S_EV,
       SEV("{'agent_left_event':{'agent':{'display_name':'Bot','type':'UNKNOWN_AGENT_TYPE'}}}")),
    OK("sinch agent", S_MSG,
       SMS("{'text_message':{'text':'x'},'agent':{'display_name':'Ann','type':'BOT'}}")),

    /* Sinch messages:send: message and its body kinds */
    BAD("sinch message", S_MSG, "{'app_id':'A'," RCP "}", "message: required"),
    BAD("sinch message", S_MSG, SMS("[]"), "message: must be an object, got array"),
    BAD("sinch message", S_MSG, SMS("{}"),
        "message: exactly one of text_message, media_message, choice_message, card_message, "
        "carousel_message, location_message, contact_info_message, list_message, template_message "
        "is required, got none"),
    BAD("sinch message", S_MSG, SMS("{'explicit_channel_message':{'SMS':'x'}}"),
        "message: exactly one of text_message"),
    BAD("sinch message", S_MSG,
        SMS("{'text_message':{'text':'x'},'media_message':{'url':'https://h/'}}"),
        "is required, got text_message and media_message"),
    BAD("sinch message", S_MSG, SMS("{'text':'hi'}"), "message.text: unknown field"),
    BAD("sinch text_message", S_MSG, SMK("text_message", "{}"),
        "message.text_message.text: required"),
    BAD("sinch text_message", S_MSG, SMK("text_message", "{'text':1}"),
        "message.text_message.text: must be a string, got number"),
    BAD("sinch text_message", S_MSG, SMK("text_message", "'hi'"),
        "message.text_message: must be an object, got string"),
    OK("sinch text_message", S_MSG, SMK("text_message", "{'text':'hi','future_field':{'x':1}}")),
    BAD("sinch media_message", S_MSG, SMK("media_message", "{}"),
        "message.media_message.url: required"),
    BAD("sinch media_message", S_MSG, SMK("media_message", "{'url':'file:///etc/passwd'}"),
        "message.media_message.url: must be an http:// or https:// URL"),
    BAD("sinch media_message", S_MSG,
        SMK("media_message", "{'url':'https://h/a.png','thumbnail_url':'h/t.png'}"),
        "message.media_message.thumbnail_url: must be an http:// or https:// URL"),
    BAD("sinch media_message", S_MSG,
        SMK("media_message", "{'url':'https://h/a.png','filename_override':1}"),
        "message.media_message.filename_override: must be a string, got number"),
    OK("sinch media_message", S_MSG,
       SMK("media_message", "{'url':'https://h/a.png','thumbnail_url':'https://h/t.png',"
                            "'filename_override':'a.png'}")),
    BAD("sinch choice_message", S_MSG, SMK("choice_message", "{}"),
        "message.choice_message.choices: required"),
    BAD("sinch choice_message", S_MSG, CHOICES(""),
        "message.choice_message.choices: must not be empty"),
    BAD("sinch choice_message", S_MSG, CHOICES(CH5 "," CH5 "," CH),
        "message.choice_message.choices: at most 10 items, got 11"),
    OK("sinch choice_message", S_MSG, CHOICES(CH5 "," CH5)),
    BAD("sinch choice_message", S_MSG, CHOICES("'yes'"),
        "message.choice_message.choices[0]: must be an object, got string"),
    BAD("sinch choice_message", S_MSG,
        SMK("choice_message", "{'choices':[" CH "],'text_message':{}}"),
        "message.choice_message.text_message.text: required"),
    OK("sinch choice_message", S_MSG,
       SMK("choice_message", "{'choices':[" CH "],'text_message':{'text':'Pick one'}}")),
    BAD("sinch choice", S_MSG, CHOICES("{'postback_data':'p'}"),
        "message.choice_message.choices[0]: exactly one of text_message, url_message, "
        "call_message, "
        "location_message, calendar_message, share_location_message is required, got none"),
    BAD("sinch choice", S_MSG,
        CHOICES("{'text_message':{'text':'t'},'url_message':{'title':'t','url':'https://h/'}}"),
        "message.choice_message.choices[0]: exactly one of text_message, url_message"),
    BAD("sinch choice", S_MSG, CHOICES(CH "," CH "," CH ",{'url_message':{'url':'https://h/'}}"),
        "message.choice_message.choices[3].url_message.title: required"),
    BAD("sinch choice", S_MSG, CHOICES("{'url_message':{'title':'t'}}"),
        "message.choice_message.choices[0].url_message.url: required"),
    BAD("sinch choice", S_MSG, CHOICES("{'call_message':{'title':'Call'}}"),
        "message.choice_message.choices[0].call_message.phone_number: required"),
    BAD("sinch choice", S_MSG, CHOICES("{'call_message':{'phone_number':'+4670'}}"),
        "message.choice_message.choices[0].call_message.title: required"),
    BAD("sinch choice", S_MSG, CHOICES("{'location_message':{'title':'T'}}"),
        "message.choice_message.choices[0].location_message.coordinates: required"),
    BAD("sinch choice", S_MSG, CHOICES("{'calendar_message':'x'}"),
        "message.choice_message.choices[0].calendar_message: must be an object, got string"),
    BAD("sinch choice", S_MSG, CHOICES("{'text_message':{'text':'t'},'postback_data':1}"),
        "message.choice_message.choices[0].postback_data: must be a string, got number"),
    OK("sinch choice", S_MSG,
       CHOICES("{'text_message':{'text':'t'},'postback_data':'p1'},"
               "{'url_message':{'title':'Site','url':'https://h/'}},"
               "{'call_message':{'phone_number':'+4670','title':'Call'}},"
               "{'location_message':{'title':'Here','coordinates':{'latitude':1,'longitude':2}}},"
               "{'calendar_message':{'title':'Cal'}},{'share_location_message':{'title':'S'}}")),
    OK("sinch card_message", S_MSG, SMK("card_message", "{}")),
    OK("sinch card_message", S_MSG,
       SMK("card_message",
           "{'title':'T','description':'D','media_message':{'url':'https://h/a.png'},"
           "'height':'MEDIUM','choices':[" CH5 "," CH5 "]}")),
    BAD("sinch card_message", S_MSG, SMK("card_message", "{'height':'HUGE'}"),
        "message.card_message.height: must be one of UNSPECIFIED_HEIGHT, SHORT, MEDIUM, TALL"),
    BAD("sinch card_message", S_MSG, SMK("card_message", "{'choices':[" CH5 "," CH5 "," CH "]}"),
        "message.card_message.choices: at most 10 items, got 11"),
    BAD("sinch card_message", S_MSG, SMK("card_message", "{'media_message':{}}"),
        "message.card_message.media_message.url: required"),
    BAD("sinch card_message", S_MSG, SMK("card_message", "{'title':1}"),
        "message.card_message.title: must be a string, got number"),
    BAD("sinch card_message", S_MSG, SMK("card_message", "{'description':[]}"),
        "message.card_message.description: must be a string, got array"),
    BAD("sinch carousel_message", S_MSG, SMK("carousel_message", "{}"),
        "message.carousel_message.cards: required"),
    BAD("sinch carousel_message", S_MSG, SMK("carousel_message", "{'cards':[]}"),
        "message.carousel_message.cards: must not be empty"),
    BAD("sinch carousel_message", S_MSG,
        SMK("carousel_message", "{'cards':[" CARD5 "," CARD5 "," CARD "]}"),
        "message.carousel_message.cards: at most 10 items, got 11"),
    BAD("sinch carousel_message", S_MSG,
        SMK("carousel_message", "{'cards':[" CARD "],'choices':[" CH "," CH "," CH "," CH "]}"),
        "message.carousel_message.choices: at most 3 items, got 4"),
    BAD("sinch carousel_message", S_MSG,
        SMK("carousel_message", "{'cards':[" CARD ",{'height':'BIG'}]}"),
        "message.carousel_message.cards[1].height: must be one of"),
    BAD("sinch carousel_message", S_MSG, SMK("carousel_message", "{'cards':[{'choices':[{}]}]}"),
        "message.carousel_message.cards[0].choices[0]: exactly one of"),
    OK("sinch carousel_message", S_MSG,
       SMK("carousel_message", "{'cards':[" CARD5 "," CARD5 "],'choices':[" CH "," CH "," CH "]}")),
    BAD("sinch location_message", S_MSG, SMK("location_message", "{'title':'T'}"),
        "message.location_message.coordinates: required"),
    BAD("sinch location_message", S_MSG,
        SMK("location_message", "{'coordinates':{'latitude':1,'longitude':2}}"),
        "message.location_message.title: required"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':91,'longitude':0}"),
        "message.location_message.coordinates.latitude: must be between -90 and 90, got 91"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':-90.5,'longitude':0}"),
        "message.location_message.coordinates.latitude: must be between -90 and 90, got -90.5"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':0,'longitude':-180.5}"),
        "message.location_message.coordinates.longitude: must be between -180 and 180"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':0,'longitude':181}"),
        "message.location_message.coordinates.longitude: must be between -180 and 180, got 181"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':'1','longitude':0}"),
        "message.location_message.coordinates.latitude: must be a number, got string"),
    BAD("sinch location_message", S_MSG, LOC("{'latitude':1}"),
        "message.location_message.coordinates.longitude: required"),
    BAD("sinch location_message", S_MSG,
        SMK("location_message",
            "{'title':'T','label':1,'coordinates':{'latitude':1,'longitude':1}}"),
        "message.location_message.label: must be a string, got number"),
    OK("sinch location_message", S_MSG, LOC("{'latitude':90,'longitude':-180}")),
    OK("sinch location_message", S_MSG,
       SMK("location_message",
           "{'title':'Office','label':'HQ','coordinates':{'latitude':-33.86,'longitude':151.2}}")),
    BAD("sinch contact_info_message", S_MSG, SMK("contact_info_message", "{" PHONES "}"),
        "message.contact_info_message.name: required"),
    BAD("sinch contact_info_message", S_MSG, SMK("contact_info_message", "{'name':{}," PHONES "}"),
        "message.contact_info_message.name.full_name: required"),
    BAD("sinch contact_info_message", S_MSG,
        SMK("contact_info_message", "{'name':{'full_name':'N'}}"),
        "message.contact_info_message.phone_numbers: required"),
    BAD("sinch contact_info_message", S_MSG, CONTACT("'phone_numbers':[]"),
        "message.contact_info_message.phone_numbers: must not be empty"),
    BAD("sinch contact_info_message", S_MSG, CONTACT("'phone_numbers':[{'type':'MOBILE'}]"),
        "message.contact_info_message.phone_numbers[0].phone_number: required"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'birthday':'2023-02-29'"),
        "message.contact_info_message.birthday: must be a real date written YYYY-MM-DD"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'birthday':'1990-1-01'"),
        "message.contact_info_message.birthday: must be a real date written YYYY-MM-DD"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'birthday':'1990-04-31'"),
        "message.contact_info_message.birthday: must be a real date"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'birthday':'1990-01-01T00:00'"),
        "message.contact_info_message.birthday: must be a real date"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'addresses':{}"),
        "message.contact_info_message.addresses: must be an array, got object"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'emails':['a@b.c']"),
        "message.contact_info_message.emails[0]: must be an object, got string"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'organization':[]"),
        "message.contact_info_message.organization: must be an object, got array"),
    BAD("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'urls':'https://h/'"),
        "message.contact_info_message.urls: must be an array, got string"),
    OK("sinch contact_info_message", S_MSG, CONTACT(PHONES ",'birthday':'2000-02-29'")),
    OK("sinch contact_info_message", S_MSG,
       CONTACT(PHONES ",'addresses':[{'city':'Lund'}],'emails':[{'email_address':'a@b.c'}],"
                      "'email_addresses':[{'email_address':'a@b.c'}],"
                      "'organization':{'company':'S'},'urls':[{'url':'https://h/'}],"
                      "'birthday':'1990-12-31'")),
    BAD("sinch list_message", S_MSG, SMK("list_message", "{'sections':[{'items':[" LCH "]}]}"),
        "message.list_message.title: required"),
    BAD("sinch list_message", S_MSG, SMK("list_message", "{'title':'L'}"),
        "message.list_message.sections: required"),
    BAD("sinch list_message", S_MSG, LIST("[]"),
        "message.list_message.sections: must not be empty"),
    BAD("sinch list_message", S_MSG, LIST("[{'title':'S'}]"),
        "message.list_message.sections[0].items: required"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[]}]"),
        "message.list_message.sections[0].items: must not be empty"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[{}]}]"),
        "message.list_message.sections[0].items[0]: exactly one of choice, product is required, "
        "got "
        "none"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[{'choice':{'title':'c'},'product':{}}]}]"),
        "message.list_message.sections[0].items[0]: exactly one of choice, product is required, "
        "got "
        "both"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[" LCH ",{'choice':{}}]}]"),
        "message.list_message.sections[0].items[1].choice.title: required"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[{'product':{'id':'p'}}]}]"),
        "message.list_message.sections[0].items[0].product.marketplace: required"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[{'product':{'marketplace':'FACEBOOK'}}]}]"),
        "message.list_message.sections[0].items[0].product.id: required"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[" LCH "]},{'items':[" LPR "]}]"),
        "message.list_message.sections[1].items[0]: items must be all choice or all product, got "
        "product after choice"),
    BAD("sinch list_message", S_MSG, LIST("[{'items':[" LPR "," LCH "]}]"),
        "message.list_message.sections[0].items[1]: items must be all choice or all product"),
    BAD("sinch list_message", S_MSG, LIST("[{'title':1,'items':[" LCH "]}]"),
        "message.list_message.sections[0].title: must be a string, got number"),
    OK("sinch list_message", S_MSG,
       LIST("[{'title':'A','items':[" LCH "," LCH "]},{'items':[" LCH "]}]")),
    OK("sinch list_message", S_MSG, LIST("[{'items':[" LPR "]},{'title':'B','items':[" LPR "]}]")),
    BAD("sinch template_message", S_MSG, TPL("{}"),
        "message.template_message: exactly one of omni_template, channel_template is required, got "
        "none"),
    BAD("sinch template_message", S_MSG,
        TPL("{'omni_template':{'template_id':'t','version':'1'},'channel_template':{}}"),
        "message.template_message: exactly one of omni_template, channel_template is required, got "
        "both"),
    BAD("sinch template_message", S_MSG, TPL("{'omni_template':{'version':'1'}}"),
        "message.template_message.omni_template.template_id: required"),
    BAD("sinch template_message", S_MSG, TPL("{'omni_template':{'template_id':'t'}}"),
        "message.template_message.omni_template.version: required"),
    BAD("sinch template_message", S_MSG,
        TPL("{'omni_template':{'template_id':'t','version':'1','parameters':{'name':1}}}"),
        "message.template_message.omni_template.parameters.name: must be a string, got number"),
    BAD("sinch template_message", S_MSG,
        TPL("{'omni_template':{'template_id':'t','version':'1','parameters':['a']}}"),
        "message.template_message.omni_template.parameters: must be an object, got array"),
    BAD("sinch template_message", S_MSG,
        TPL("{'omni_template':{'template_id':'t','version':'1','language_code':1}}"),
        "message.template_message.omni_template.language_code: must be a string, got number"),
    BAD("sinch template_message", S_MSG, TPL("{'channel_template':{'WHATSAPP':{}}}"),
        "message.template_message.channel_template.WHATSAPP.template_id: required"),
    BAD("sinch template_message", S_MSG, TPL("{'channel_template':{'WHATSAPP':'t'}}"),
        "message.template_message.channel_template.WHATSAPP: must be an object, got string"),
    OK("sinch template_message", S_MSG,
       TPL("{'omni_template':{'template_id':'t','version':'latest','language_code':'en-US',"
           "'parameters':{'name':'Ann'}}}")),
    OK("sinch template_message", S_MSG,
       TPL("{'channel_template':{'WHATSAPP':{'template_id':'t','language_code':'en'}}}")),
    OKW("sinch template_message", S_MSG, TPL("{'channel_template':{'FOO':{'template_id':'t'}}}"),
        "message.template_message.channel_template: unknown channel \"FOO\" (sent as given)"),
    BAD("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'explicit_channel_message':{'WHATSAPP':{}}}"),
        "message.explicit_channel_message.WHATSAPP: must be a string, got object"),
    BAD("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'explicit_channel_message':'x'}"),
        "message.explicit_channel_message: must be an object, got string"),
    BAD("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'explicit_channel_omni_message':{'SMS':'x'}}"),
        "message.explicit_channel_omni_message.SMS: must be an object, got string"),
    BAD("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'channel_specific_message':{'WHATSAPP':1}}"),
        "message.channel_specific_message.WHATSAPP: must be an object, got number"),
    OK("sinch channel maps", S_MSG,
       SMS("{'text_message':{'text':'x'},'explicit_channel_message':{'WHATSAPP':'{}'},"
           "'explicit_channel_omni_message':{'SMS':{'text_message':{'text':'y'}}},"
           "'channel_specific_message':{'WHATSAPP':{'message_type':'FLOWS','message':{}}}}")),
    OKW("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'explicit_channel_message':{'FOO':'x'}}"),
        "message.explicit_channel_message: unknown channel \"FOO\" (sent as given)"),
    OKW("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'channel_specific_message':{'NEWCHAN':{}}}"),
        "message.channel_specific_message: unknown channel \"NEWCHAN\" (sent as given)"),

    OKW("sinch channel maps", S_MSG,
        SMS("{'text_message':{'text':'x'},'explicit_channel_omni_message':{'BLUESKY':{}}}"),
        "message.explicit_channel_omni_message: unknown channel \"BLUESKY\" (sent as given)"),
    OKW("sinch channel maps", S_MSG, SMSX("'channel_priority_order':['FOO\\nBAR']"),
        "channel_priority_order[0]: unknown channel \"FOO?BAR\" (sent as given)"),
    /* Sinch messages:send: top-level optional fields */
    BAD("sinch channel_properties", S_MSG, SMSX("'channel_properties':'x'"),
        "channel_properties: must be an object, got string"),
    BAD("sinch channel_properties", S_MSG, SMSX("'channel_properties':{'WHATSAPP_HEADER':1}"),
        "channel_properties.WHATSAPP_HEADER: must be a string, got number"),
    OK("sinch channel_properties", S_MSG, SMSX("'channel_properties':{'WHATSAPP_HEADER':'h'}")),
    BAD("sinch message_metadata", S_MSG, SMSX("'message_metadata':{}"),
        "message_metadata: must be a string, got object"),
    BAD("sinch conversation_metadata", S_MSG, SMSX("'conversation_metadata':'{}'"),
        "conversation_metadata: must be an object, got string"),
    BAD("sinch conversation_metadata", S_MSG, SMSX("'conversation_metadata':[]"),
        "conversation_metadata: must be an object, got array"),
    OK("sinch conversation_metadata", S_MSG, SMSX("'conversation_metadata':{'order':{'id':1}}")),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':2"), "ttl: must be 3..315576000000 seconds, got 2"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'2s'"), "ttl: must be 3..315576000000 seconds, got 2s"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':315576000001"),
        "ttl: must be 3..315576000000 seconds, got 315576000001"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'315576000001s'"), "ttl: must be 3..315576000000 seconds"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'99999999999999999999999s'"),
        "ttl: must be 3..315576000000 seconds, got 99999999999999999999999s"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'0s'"), "ttl: must be 3..315576000000 seconds, got 0s"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':1e300"),
        "ttl: must be 3..315576000000 seconds, got 1e+300"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':2.5"), "ttl: must be 3..315576000000 seconds, got 2.5"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':-5"), "ttl: must be 3..315576000000 seconds, got -5"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':10.5"), "ttl: must be a whole number of seconds, got 10.5"),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'10'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'10m'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'1.5s'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'-10s'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':'s'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':' 10s'"), "ttl: must be whole seconds written \"<n>s\""),
    BAD("sinch ttl", S_MSG, SMSX("'ttl':true"), "ttl: must be a string or an integer, got boolean"),
    OK("sinch ttl", S_MSG, SMSX("'ttl':'10s'")),
    OK("sinch ttl", S_MSG, SMSX("'ttl':'3s'")),
    OK("sinch ttl", S_MSG, SMSX("'ttl':'315576000000s'")),
    OK("sinch ttl", S_MSG, SMSX("'ttl':86400")),
    BAD("sinch processing_strategy", S_MSG, SMSX("'processing_strategy':'FAST'"),
        "processing_strategy: must be one of DEFAULT, DISPATCH_ONLY"),
    OK("sinch processing_strategy", S_MSG, SMSX("'processing_strategy':'DISPATCH_ONLY'")),
    BAD("sinch correlation_id", S_MSG, SMSX("'correlation_id':1"),
        "correlation_id: must be a string, got number"),
    BAD("sinch conversation_metadata_update_strategy", S_MSG,
        SMSX("'conversation_metadata_update_strategy':'MERGE'"),
        "conversation_metadata_update_strategy: must be one of REPLACE, MERGE_PATCH"),
    OK("sinch conversation_metadata_update_strategy", S_MSG,
       SMSX("'conversation_metadata_update_strategy':'MERGE_PATCH'")),
    BAD("sinch message_content_type", S_MSG, SMSX("'message_content_type':'SPAM'"),
        "message_content_type: must be one of CONTENT_UNKNOWN, CONTENT_MARKETING, "
        "CONTENT_NOTIFICATION"),
    OK("sinch message_content_type", S_MSG, SMSX("'message_content_type':'CONTENT_MARKETING'")),
    OK("sinch seed 001 fields", S_MSG,
       "{'app_id':'{APP_ID}','recipient':{'identified_by':{'channel_identities':[{'channel':"
       "'WHATSAPP','identity':'46701234567'}]}},'message':{'text_message':{'text':'Hi'},"
       "'explicit_channel_message':{'WHATSAPP':'{}'},'explicit_channel_omni_message':{},"
       "'channel_specific_message':{},'agent':{'display_name':'Ann','type':'HUMAN',"
       "'picture_url':'https://x.example/a.png'}},'callback_url':'http://host:8080/path',"
       "'channel_priority_order':['WHATSAPP','SMS'],'channel_properties':{'WHATSAPP_HEADER':'h'},"
       "'message_metadata':'m','conversation_metadata':{'k':'v'},'queue':'NORMAL_PRIORITY',"
       "'ttl':'86400s','processing_strategy':'DEFAULT','correlation_id':'c-1',"
       "'conversation_metadata_update_strategy':'REPLACE',"
       "'message_content_type':'CONTENT_NOTIFICATION'}"),

    /* Z-API */
    BAD("zapi phone", Z_EV, "{'event':{'name':'N','dateTime':'2024-04-29T09:30'}}",
        "phone: required"),
    BAD("zapi phone", Z_EV, ZPH(""), "phone: must not be empty"),
    BAD("zapi phone", Z_EV, ZPH("12036/group"), "phone: must not contain '/'"),
    BAD("zapi phone", Z_EV, ZPH("120363?-group"), "phone: must not contain '?'"),
    BAD("zapi phone", Z_EDIT, ZPH("120363#-group"), "phone: must not contain '#'"),
    BAD("zapi phone", Z_EV, ZPH("1203 63-group"), "phone: must not contain whitespace"),
    BAD("zapi phone", Z_EV, ZPH("120363-group\\n"), "phone: must not contain whitespace"),
    BAD("zapi phone", Z_EV, ZPH("120363\\u0001-group"),
        "phone: must not contain control characters"),
    BAD("zapi phone", Z_EV, ZPH("120363\\u007f-group"),
        "phone: must not contain control characters"),
    BAD("zapi phone", Z_EV, ZPH("+5511999999999"), "phone: must be a phone number (10..15 digits"),
    BAD("zapi phone", Z_EV, ZPH("123"), "phone: must be a phone number (10..15 digits"),
    BAD("zapi phone", Z_EV, ZPH("5511999999999999"), "phone: must be a phone number"),
    BAD("zapi phone", Z_EV, ZPH("abc-group"), "phone: must be a phone number"),
    BAD("zapi phone", Z_EV, ZPH("5511999999999-"), "phone: must be a phone number"),
    BAD("zapi phone", Z_EV, ZPH("@newsletter"), "phone: must be a phone number"),
    BAD("zapi phone", Z_EV, ZPH("5511999999999"),
        "phone: events can only be sent to groups (<digits>-group or <phone>-<unix time>), got a "
        "phone number"),
    BAD("zapi phone", Z_EV, ZPH("123456789@lid"), "phone: events can only be sent to groups"),
    BAD("zapi phone", Z_EV, ZPH("120363166555745933@newsletter"),
        "phone: events can only be sent to groups (<digits>-group or <phone>-<unix time>), got a "
        "channel"),
    BAD("zapi phone", Z_EDIT,
        "{'phone':'5511999999999','eventMessageId':'M','event':{'name':'N','dateTime':'2024-04-"
        "29T09:30'}}",
        "phone: events can only be sent to groups"),
    BAD("zapi phone", Z_RESP, "{'phone':'123@lid','eventMessageId':'M','eventResponse':'GOING'}",
        "phone: events can only be sent to groups"),
    OK("zapi phone", Z_EV, ZPH("5511999999999-1623281429")),
    OK("zapi phone", Z_EV, ZPH(GROUP)),
    BAD("zapi event", Z_EV, "{'phone':'" GROUP "'}", "event: required"),
    BAD("zapi event", Z_EV, ZSE("'x'"), "event: must be an object, got string"),
    BAD("zapi event", Z_EV, ZEVX("'foo':1"), "event.foo: unknown field"),
    BAD("zapi event", Z_EV, ZSE("{'dateTime':'2024-04-29T09:30'}"), "event.name: required"),
    BAD("zapi event", Z_EV, ZSE("{'name':'','dateTime':'2024-04-29T09:30'}"),
        "event.name: must not be empty"),
    BAD("zapi event", Z_EV, ZSE("{'name':'N'}"), "event.dateTime: required"),
    BAD("zapi event", Z_EV, ZSE("{'name':'N','dateTime':1714383053}"),
        "event.dateTime: must be a string, got number"),
    BAD("zapi event", Z_EV, ZEVX("'description':1"),
        "event.description: must be a string, got number"),
    BAD("zapi event", Z_EV, ZEVX("'location':'Office'"),
        "event.location: must be an object, got string"),
    BAD("zapi event", Z_EV, ZEVX("'location':{}"), "event.location.name: required"),
    BAD("zapi event", Z_EV, ZEVX("'location':{'name':'L','address':'x'}"),
        "event.location.address: unknown field"),
    BAD("zapi event", Z_EV, ZEVX("'callLinkType':'VOICE'"),
        "event.callLinkType: must be one of voice, video, got \"VOICE\""),
    BAD("zapi event", Z_EV, ZSEED("voice | video"),
        "event.callLinkType: must be one of voice, video"),
    BAD("zapi event", Z_EV, ZEVX("'canceled':'false'"),
        "event.canceled: must be a boolean, got string"),
    OK("zapi event", Z_EV, ZSEED("voice")),
    OK("zapi event", Z_EV, ZSEED("video")),
    OK("zapi event", Z_EV, ZEVX("'timeZone':'UTC-3','canceled':true")),
    BAD("zapi dateTime", Z_EV, ZDT("2024-02-30T10:00"),
        "event.dateTime: must be an ISO-8601 date and time"),
    BAD("zapi dateTime", Z_EV, ZDT("2023-02-29T10:00"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29 09:30"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T24:00"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T09:60"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30:61"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30:00."), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30+3"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30Zjunk"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("2024-04-29"), "event.dateTime: must be an ISO-8601"),
    BAD("zapi dateTime", Z_EV, ZDT("29/04/2024 09:30"),
        "event.dateTime: must be an ISO-8601 date and time "
        "YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|+HH:MM], got \"29/04/2024 09:30\""),
    OK("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30")),
    OK("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30:53")),
    OK("zapi dateTime", Z_EV, ZDT("2024-04-29T09:30:53.309Z")),
    OK("zapi dateTime", Z_EV, ZDT("2024-02-29T00:00:00-03:00")),
    OK("zapi dateTime", Z_EV, ZDT("2024-12-31T23:59+05:30")),
    BAD("zapi timeZone", Z_EV, ZTZ("GMT-3"),
        "event.timeZone: must be UTC or an offset like UTC-3 or UTC+5:30"),
    BAD("zapi timeZone", Z_EV, ZTZ("America/Sao_Paulo"),
        "event.timeZone: must be UTC or an offset"),
    BAD("zapi timeZone", Z_EV, ZTZ("UTC-3:5"), "event.timeZone: must be UTC or an offset"),
    BAD("zapi timeZone", Z_EV, ZTZ("UTC+15"), "event.timeZone: must be UTC or an offset"),
    BAD("zapi timeZone", Z_EV, ZTZ("UTC3"), "event.timeZone: must be UTC or an offset"),
    BAD("zapi timeZone", Z_EV, ZEVX("'timeZone':-3"),
        "event.timeZone: must be a string, got number"),
    OK("zapi timeZone", Z_EV, ZTZ("UTC")),
    OK("zapi timeZone", Z_EV, ZTZ("UTC-3")),
    OK("zapi timeZone", Z_EV, ZTZ("UTC+5:30")),
    OK("zapi timeZone", Z_EV, ZTZ("UTC+14")),
    BAD("zapi eventMessageId", Z_EDIT,
        "{'phone':'" GROUP "','event':{'name':'N','dateTime':'2024-04-29T09:30'}}",
        "eventMessageId: required"),
    BAD("zapi eventMessageId", Z_RESP,
        "{'phone':'" GROUP "','eventMessageId':'','eventResponse':'GOING'}",
        "eventMessageId: must not be empty"),
    BAD("zapi eventMessageId", Z_RESP,
        "{'phone':'" GROUP "','eventMessageId':'a b','eventResponse':'GOING'}",
        "eventMessageId: must not contain whitespace"),
    BAD("zapi eventMessageId", Z_EDIT,
        "{'phone':'" GROUP
        "','eventMessageId':'../x','event':{'name':'N','dateTime':'2024-04-29T09:30'}}",
        "eventMessageId: must not contain '/'"),
    BAD("zapi eventMessageId", Z_RESP,
        "{'phone':'" GROUP "','eventMessageId':'#1','eventResponse':'GOING'}",
        "eventMessageId: must not contain '#'"),
    BAD("zapi eventMessageId", Z_RESP,
        "{'phone':'" GROUP "','eventMessageId':'a\\u001fb','eventResponse':'GOING'}",
        "eventMessageId: must not contain control characters"),
    BAD("zapi eventMessageId", Z_RESP,
        "{'phone':'" GROUP "','eventMessageId':7,'eventResponse':'GOING'}",
        "eventMessageId: must be a string, got number"),
    BAD("zapi edit_event", Z_EDIT, ZED("'eventResponse':'GOING'"), "eventResponse: unknown field"),
    BAD("zapi edit_event", Z_EDIT, ZED("'x':1"), "x: unknown field"),
    BAD("zapi edit_event", Z_EDIT, "{'phone':'" GROUP "','eventMessageId':'M'}", "event: required"),
    BAD("zapi edit_event", Z_EDIT, ZEDIT("{'name':'New name'}"), "event.dateTime: required"),
    BAD("zapi edit_event", Z_EDIT,
        ZEDIT("{'name':'N','dateTime':'2024-04-29T09:30','callLinkType':'audio'}"),
        "event.callLinkType: must be one of voice, video"),
    OK("zapi edit_event", Z_EDIT,
       ZEDIT("{'name':'N','description':'D','dateTime':'2024-05-01T10:00:00Z','timeZone':'UTC-3',"
             "'location':{'name':'L'},'callLinkType':'video','canceled':true}")),
    BAD("zapi respond_event", Z_RESP, "{'phone':'" GROUP "','eventMessageId':'M'}",
        "eventResponse: required"),
    BAD("zapi respond_event", Z_RESP, ZRESP("MAYBE"),
        "eventResponse: must be one of GOING, NOT_GOING"),
    BAD("zapi respond_event", Z_RESP, ZRESP("going"),
        "eventResponse: must be one of GOING, NOT_GOING"),
    BAD("zapi respond_event", Z_RESP, ZED("'eventResponse':true"),
        "eventResponse: must be a string, got boolean"),
    OK("zapi respond_event", Z_RESP, ZRESP("GOING")),
    OK("zapi respond_event", Z_RESP, ZRESP("NOT_GOING")),

    /* Amazon Connect */
    BAD("connect ConnectionToken", C_EV, "{'ContentType':'" EVT "typing'}",
        "ConnectionToken: required"),
    BAD("connect ConnectionToken", C_EV, "{'ConnectionToken':'','ContentType':'" EVT "typing'}",
        "ConnectionToken: must not be empty"),
    BAD("connect ConnectionToken", C_MSG,
        "{'ConnectionToken':5,'ContentType':'text/plain','Content':'x'}",
        "ConnectionToken: must be a string, got number"),
    BAD("connect ConnectionToken", C_DISC, "{'ConnectionToken':'ab\\r\\nX-Evil: 1'}",
        "ConnectionToken: must not contain control characters"),
    BAD("connect ConnectionToken", C_DISC, "{}", "ConnectionToken: required"),
    BAD("connect ConnectionToken", C_MSG, "{'ContentType':'text/plain','Content':'x'}",
        "ConnectionToken: required"),
    BAD("connect ContentType", C_EV, "{" TOK "}", "ContentType: required"),
    BAD("connect ContentType", C_EV, "{" TOK ",'ContentType':''}",
        "ContentType: must not be empty"),
    BAD("connect ContentType", C_EV, "{" TOK ",'ContentType':3}",
        "ContentType: must be a string, got number"),
    BAD("connect ContentType", C_MSG, CMSG("'Content':'x'"), "ContentType: required"),
    OKW("connect ContentType", C_EV, "{" TOK ",'ContentType':'x/unknown'}",
        "ContentType: unknown content type \"x/unknown\" (sent as given)"),
    OKW("connect ContentType", C_EV, CEV("connection.acknowledged"),
        "ContentType: application/vnd.amazonaws.connect.event.connection.acknowledged is "
        "deprecated "
        "since 2024-12-31: use create_connection with ConnectParticipant: true"),
    OK("connect ContentType", C_EV, CEV("typing")),
    OK("connect ContentType", C_EV, CEVC("typing", "typing...")),
    OKW("connect ContentType", C_MSG, CMSG("'ContentType':'text/html','Content':'<b>x</b>'"),
        "ContentType: unknown content type \"text/html\" (sent as given)"),
    OK("connect ContentType", C_MSG, CMSG("'ContentType':'text/plain','Content':'Hello'")),
    OK("connect ContentType", C_MSG, CMSG("'ContentType':'text/markdown','Content':'**Hi**'")),
    OK("connect ContentType", C_MSG, CMSG("'ContentType':'application/json','Content':'{}'")),
    OK("connect ContentType", C_MSG,
       CMSG("'ContentType':'application/vnd.amazonaws.connect.message.interactive.response',"
            "'Content':'{}','ClientToken':'c-1'")),
    BAD("connect receipt Content", C_EV, CEV("message.delivered"),
        "Content: required when ContentType is application/vnd.amazonaws.connect.event.message."
        "delivered"),
    BAD("connect receipt Content", C_EV, CEV("message.read"),
        "Content: required when ContentType is "
        "application/vnd.amazonaws.connect.event.message.read"),
    BAD("connect receipt Content", C_EV, CEVC("message.read", "not json"),
        "Content: must be a JSON object encoded as a string"),
    BAD("connect receipt Content", C_EV, CEVC("message.read", "[1]"),
        "Content: must be a JSON object encoded as a string"),
    BAD("connect receipt Content", C_EV, CEVC("message.read", "{\\'messageId\\':\\'x\\'} junk"),
        "Content: must be a JSON object encoded as a string"),
    BAD("connect receipt Content", C_EV, CEVC("message.delivered", "{}"),
        "Content: messageId (in the encoded object) required"),
    BAD("connect receipt Content", C_EV, CEVC("message.delivered", "{\\'messageId\\':5}"),
        "Content: messageId (in the encoded object) must be a string, got number"),
    BAD("connect receipt Content", C_EV, CEVC("message.delivered", "{\\'messageId\\':\\'\\'}"),
        "Content: messageId (in the encoded object) must not be empty"),
    OK("connect receipt Content", C_EV, CEVC("message.read", RECEIPT)),
    OK("connect receipt Content", C_EV, CEVC("message.delivered", RECEIPT)),
    OK("connect receipt Content", C_EV,
       "{'ContentType':'" EVT "message.read','Content':'" RECEIPT "','ClientToken':'ct-1',"
       "'ConnectionToken':'t'}"),
    BAD("connect Content", C_EV, CEVC("typing", ""), "Content: must not be empty"),
    BAD("connect Content", C_EV, CEVX("'Content':5"), "Content: must be a string, got number"),
    BAD("connect Content", C_MSG, CMSG("'ContentType':'text/plain'"), "Content: required"),
    BAD("connect Content", C_MSG, CMSG("'ContentType':'text/plain','Content':''"),
        "Content: must not be empty"),
    BAD("connect ClientToken", C_EV, CEVX("'ClientToken':''"), "ClientToken: must not be empty"),
    BAD("connect ClientToken", C_MSG,
        CMSG("'ContentType':'text/plain','Content':'x','ClientToken':1"),
        "ClientToken: must be a string, got number"),
    BAD("connect ClientToken", C_DISC, "{" TOK ",'ClientToken':''}",
        "ClientToken: must not be empty"),
    OK("connect ClientToken", C_DISC,
       "{" TOK ",'ClientToken':'3f2b8f3e-5d6c-4b1a-9c51-0c3d1e2f4a5b'}"),
    OK("connect disconnect", C_DISC, "{" TOK "}"),
    BAD("connect create_connection", C_CONN, "{'ConnectParticipant':true}",
        "ParticipantToken: required"),
    BAD("connect create_connection", C_CONN, "{'ParticipantToken':'ptok'}",
        "request: at least one of Type, ConnectParticipant is required"),
    BAD("connect create_connection", C_CONN, CCON("'Type':[]"), "Type: must not be empty"),
    BAD("connect create_connection", C_CONN, CCON("'Type':'WEBSOCKET'"),
        "Type: must be an array, got string"),
    BAD("connect create_connection", C_CONN, CCON("'Type':['WEBSOCKET','WEBSOCKET']"),
        "Type[1]: duplicate value WEBSOCKET"),
    BAD("connect create_connection", C_CONN, CCON("'Type':['SOCKET']"),
        "Type[0]: must be one of WEBSOCKET, CONNECTION_CREDENTIALS, WEBRTC_CONNECTION, got "
        "\"SOCKET\""),
    BAD("connect create_connection", C_CONN, CCON("'Type':[1]"),
        "Type[0]: must be a string, got number"),
    OK("connect create_connection", C_CONN,
       CCON("'Type':['WEBSOCKET','CONNECTION_CREDENTIALS','WEBRTC_CONNECTION']")),
    OK("connect create_connection", C_CONN, CCON("'ConnectParticipant':true")),
    OK("connect create_connection", C_CONN,
       CCON("'Type':['WEBSOCKET'],'ConnectParticipant':false")),
};

/* --- running cases ----------------------------------------------------------- */

typedef struct tally {
    const char *rule;
    int n;
} tally;
static tally tallies[128];

static void count(const char *rule) {
    int i = 0;
    while (tallies[i].rule && strcmp(tallies[i].rule, rule) != 0)
        i++;
    if (i < (int)(sizeof tallies / sizeof *tallies) - 1) {
        tallies[i].rule = rule;
        tallies[i].n++;
    }
}

static cJSON *parse(const char *json) {
    char *text = strdup(json);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    cJSON *req = cJSON_Parse(text);
    if (!req)
        fprintf(stderr, "test bug: unparseable request %s\n", text);
    free(text);
    return req;
}

/* Runs one request; checks the status, the message and the warnings. */
static void run(const char *rule, check_fn fn, const char *json, const char *err,
                const char *warn) {
    se_diag d;
    cJSON *req = parse(json);
    se_diag_init(&d);
    count(rule);
    CHECK(req != NULL);
    se_status rc = fn(req, &d);
    if (err) {
        CHECK_INT(rc, SE_E_INVALID);
        CHECK_HAS(se_diag_msg(&d), err);
    } else {
        CHECK_INT(rc, SE_OK);
        CHECK_STR(se_diag_msg(&d), "");
        if (warn)
            CHECK_HAS(se_diag_warnings(&d), warn);
        else
            CHECK_STR(se_diag_warnings(&d), "");
    }
    if (rc != (err ? SE_E_INVALID : SE_OK) || getenv("SE_VAL_SHOW"))
        fprintf(stderr, "  [%s] %s\n  -> %s%s%s\n", rule, json, se_diag_msg(&d),
                *se_diag_warnings(&d) ? " | warn: " : "", se_diag_warnings(&d));
    se_diag_free(&d);
    cJSON_Delete(req);
}

static void test_table(void) {
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        run(CASES[i].rule, CASES[i].fn, CASES[i].json, CASES[i].err, CASES[i].warn);
}

/* Every operation wants an object at the root. */
static void test_root(void) {
    static const check_fn ALL[] = {S_EV, S_MSG, Z_EV, Z_EDIT, Z_RESP, C_EV, C_MSG, C_CONN, C_DISC};
    static const char *const NOT_OBJECTS[] = {"[]", "'x'", "1", "null"};
    for (size_t i = 0; i < sizeof ALL / sizeof *ALL; i++) {
        for (size_t j = 0; j < sizeof NOT_OBJECTS / sizeof *NOT_OBJECTS; j++)
            run("request root", ALL[i], NOT_OBJECTS[j], "request: must be a JSON object", NULL);
        se_diag d;
        se_diag_init(&d);
        CHECK_INT(ALL[i](NULL, &d), SE_E_INVALID);
        se_diag_free(&d);
    }
}

/* --- lengths: the limit passes, one more fails, counted in code points ----------- */

typedef struct len_case {
    const char *rule;
    check_fn fn;
    const char *fmt;   /* the request, %s where the value goes */
    const char *field; /* as named in the message */
    size_t min, max;
    const char *unit; /* the character repeated (1 to 4 bytes of UTF-8) */
    size_t overhead;  /* characters the message counts beyond the value */
} len_case;

#define C_TOKEN_FMT "{'ConnectionToken':'%s','ContentType':'" EVT "typing'}"
static const len_case LENGTHS[] = {
    {"sinch channel_properties", S_MSG, SMSX("'channel_properties':{'K':'%s'}"),
     "channel_properties.K", 0, 1024, "x", 0},
    {"sinch message_metadata", S_MSG, SMSX("'message_metadata':'%s'"), "message_metadata", 0, 1024,
     "\xc3\xa9", 0},
    {"sinch correlation_id", S_MSG, SMSX("'correlation_id':'%s'"), "correlation_id", 0, 128,
     "\xe2\x82\xac", 0},
    /* {"k":"..."} is 8 characters around the value */
    {"sinch conversation_metadata", S_MSG, SMSX("'conversation_metadata':{'k':'%s'}"),
     "conversation_metadata", 0, 2040, "\xc3\xa9", 8},
    {"connect ConnectionToken", C_EV, C_TOKEN_FMT, "ConnectionToken", 1, 1000, "a", 0},
    {"connect ParticipantToken", C_CONN, "{'ParticipantToken':'%s','ConnectParticipant':true}",
     "ParticipantToken", 1, 1000, "a", 0},
    {"connect ContentType", C_MSG, CMSG("'ContentType':'%s','Content':'x'"), "ContentType", 1, 100,
     "t", 0},
    {"connect Content", C_EV, CEVX("'Content':'%s'"), "Content", 1, 16384, "\xf0\x9f\x98\x80", 0},
    {"connect Content", C_MSG, CMSG("'ContentType':'text/plain','Content':'%s'"), "Content", 1,
     16384, "\xc3\xa9", 0},
    {"connect ClientToken", C_EV, CEVX("'ClientToken':'%s'"), "ClientToken", 1, 500, "c", 0},
    {"connect ClientToken", C_MSG,
     CMSG("'ContentType':'text/plain','Content':'x','ClientToken':'%s'"), "ClientToken", 1, 500,
     "c", 0},
    {"connect ClientToken", C_DISC, "{" TOK ",'ClientToken':'%s'}", "ClientToken", 1, 500, "c", 0},
};

static char *repeat(const char *unit, size_t n) {
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

/* The request with n units in place of %s. */
static char *fill(const char *fmt, const char *unit, size_t n) {
    char *value = repeat(unit, n);
    size_t size = strlen(fmt) + strlen(value) + 1;
    char *json = malloc(size);
    snprintf(json, size, fmt, value);
    free(value);
    return json;
}

static void run_length(const len_case *c, size_t n, const char *err) {
    se_diag d;
    char *json = fill(c->fmt, c->unit, n);
    cJSON *req = parse(json);
    se_diag_init(&d);
    count(c->rule);
    se_status rc = c->fn(req, &d);
    CHECK_INT(rc, err ? SE_E_INVALID : SE_OK);
    CHECK_HAS(se_diag_msg(&d), err ? err : "");
    if (rc != (err ? SE_E_INVALID : SE_OK))
        fprintf(stderr, "  [%s] %zu x %s -> %s\n", c->rule, n, c->unit, se_diag_msg(&d));
    se_diag_free(&d);
    cJSON_Delete(req);
    free(json);
}

static void test_lengths(void) {
    char want[200];
    for (size_t i = 0; i < sizeof LENGTHS / sizeof *LENGTHS; i++) {
        const len_case *c = &LENGTHS[i];
        run_length(c, c->max, NULL);
        snprintf(want, sizeof want, "%s: at most %zu characters", c->field, c->max + c->overhead);
        run_length(c, c->max + 1, want);
        snprintf(want, sizeof want, "got %zu", c->max + 1 + c->overhead);
        run_length(c, c->max + 1, want);
        if (c->min == 1) {
            snprintf(want, sizeof want, "%s: must not be empty", c->field);
            run_length(c, 0, want);
        }
    }
}

/* --- normalizations ------------------------------------------------------------ */

/* Runs a passing request and compares one member of the result, printed. */
static void check_normalized(const char *rule, check_fn fn, const char *json, const char *member,
                             const char *want) {
    se_diag d;
    cJSON *req = parse(json), *want_json = parse(want);
    se_diag_init(&d);
    count(rule);
    CHECK_INT(fn(req, &d), SE_OK);
    CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(req, member), want_json, 1));
    char *got = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(req, member));
    char *wanted = cJSON_PrintUnformatted(want_json);
    CHECK_STR(got, wanted);
    cJSON_free(got);
    cJSON_free(wanted);
    se_diag_free(&d);
    cJSON_Delete(req);
    cJSON_Delete(want_json);
}

static void test_normalize(void) {
    check_normalized("normalize ttl", S_MSG, SMSX("'ttl':10"), "ttl", "'10s'");
    check_normalized("normalize ttl", S_MSG, SMSX("'ttl':315576000000"), "ttl", "'315576000000s'");
    check_normalized("normalize ttl", S_MSG, SMSX("'ttl':3.0"), "ttl", "'3s'");
    check_normalized("normalize ttl", S_MSG, SMSX("'ttl':'10s'"), "ttl", "'10s'");
    check_normalized("normalize app_event", S_EV, SEV("{'app_event':{'composing_event':{}}}"),
                     "event", "{'composing_event':{}}");
    check_normalized("normalize app_event", S_EV,
                     SEV("{'app_event':{'agent_joined_event':{'agent':{'display_name':'Ann',"
                         "'type':'HUMAN'}}}}"),
                     "event",
                     "{'agent_joined_event':{'agent':{'display_name':'Ann','type':'HUMAN'}}}");
    check_normalized("normalize app_event", S_EV, SEV("{'comment_reply_event':{'text':'x'}}"),
                     "event", "{'comment_reply_event':{'text':'x'}}");

    /* the ttl keeps its place among the members, and the whole body stays intact */
    se_diag d;
    cJSON *req = parse("{'app_id':'A','ttl':60," RCP ",'message':{'text_message':{'text':'x'}}}");
    se_diag_init(&d);
    count("normalize ttl");
    CHECK_INT(S_MSG(req, &d), SE_OK);
    char *text = cJSON_PrintUnformatted(req);
    CHECK_STR(text, "{\"app_id\":\"A\",\"ttl\":\"60s\",\"recipient\":{\"contact_id\":\"C1\"},"
                    "\"message\":{\"text_message\":{\"text\":\"x\"}}}");
    cJSON_free(text);
    se_diag_free(&d);
    cJSON_Delete(req);

    /* a failing request is not normalized */
    req = parse(SEV("{'app_event':{'composing_event':{'x':1}}}"));
    se_diag_init(&d);
    count("normalize app_event");
    CHECK_INT(S_EV(req, &d), SE_E_INVALID);
    CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "event"),
                                           "app_event") != NULL);
    se_diag_free(&d);
    cJSON_Delete(req);
}

/* --- out of memory while normalizing or measuring --------------------------------- */

static void *no_malloc(size_t n) {
    (void)n;
    return NULL;
}

static void test_nomem(void) {
    static const char *const JSON[] = {SMSX("'ttl':10"), SMSX("'conversation_metadata':{'k':1}")};
    cJSON_Hooks failing = {no_malloc, free};
    for (size_t i = 0; i < sizeof JSON / sizeof *JSON; i++) {
        se_diag d;
        cJSON *req = parse(JSON[i]);
        se_diag_init(&d);
        count("out of memory");
        cJSON_InitHooks(&failing);
        se_status rc = S_MSG(req, &d);
        cJSON_InitHooks(NULL);
        CHECK_INT(rc, SE_E_NOMEM);
        CHECK_HAS(se_diag_msg(&d), "out of memory");
        se_diag_free(&d);
        cJSON_Delete(req);
    }
}

/* --- secrets never appear in messages --------------------------------------------- */

#define SECRET "SeCrEt-4711"
static void test_no_secret_in_messages(void) {
    static const struct {
        check_fn fn;
        const char *json;
    } cases[] = {
        {C_EV, "{'ConnectionToken':'" SECRET "\\r\\n','ContentType':'" EVT "typing'}"},
        {C_EV, "{'ConnectionToken':'" SECRET "','ConnectionToken':'" SECRET "'}"},
        {C_EV,
         "{'ConnectionToken':'" SECRET "','ContentType':'" EVT "message.read','Content':'x'}"},
        {C_EV, "{'ConnectionToken':'" SECRET "','ContentType':'" EVT "typing','ClientToken':''}"},
        {C_MSG, "{'ConnectionToken':'" SECRET "','ContentType':'text/plain'}"},
        {C_MSG, "{'connectionToken':'" SECRET "','Content':'x','ContentType':'text/plain'}"},
        {C_MSG, "{'ConnectionToken':['" SECRET "'],'Content':'x','ContentType':'text/plain'}"},
        {C_DISC, "{'ConnectionToken':'" SECRET "\\u0001'}"},
        {C_DISC, "{'ConnectionToken':'" SECRET "','ClientToken':'" SECRET "\\u0001','x':1}"},
        {C_CONN, "{'ParticipantToken':'" SECRET "\\n'}"},
        {C_CONN, "{'ParticipantToken':'" SECRET "','Type':[1]}"},
        {C_CONN, "{'ParticipantToken':'','ConnectParticipant':true,'ClientToken':'" SECRET "'}"},
    };
    char *long_token = repeat(SECRET, 100); /* 1100 characters */
    char *json = malloc(strlen(long_token) + 200);
    sprintf(json, C_TOKEN_FMT, long_token);
    for (size_t i = 0; i <= sizeof cases / sizeof *cases; i++) {
        int last = i == sizeof cases / sizeof *cases;
        se_diag d;
        cJSON *req = parse(last ? json : cases[i].json);
        se_diag_init(&d);
        count("no secret in messages");
        se_status rc = (last ? C_EV : cases[i].fn)(req, &d);
        CHECK_INT(rc, SE_E_INVALID);
        CHECK_LACKS(se_diag_msg(&d), SECRET);
        CHECK_LACKS(se_diag_warnings(&d), SECRET);
        se_diag_free(&d);
        cJSON_Delete(req);
    }
    free(json);
    free(long_token);
}

int main(void) {
    test_table();
    test_root();
    test_lengths();
    test_normalize();
    test_nomem();
    test_no_secret_in_messages();
    if (getenv("SE_VAL_LIST")) {
        int total = 0;
        for (int i = 0; tallies[i].rule; i++) {
            printf("%4d  %s\n", tallies[i].n, tallies[i].rule);
            total += tallies[i].n;
        }
        printf("%4d  cases in all\n", total);
    }
    return se_test_summary("validation");
}

/*
 * injection_patterns.c — the pattern families of the prompt-injection
 * detector (see injection.h and docs/internals/detect-injection.md).
 *
 * Each family is one feature of the linear model: it is 1 when any of its
 * patterns matches anywhere in the scanned text, and the model's weight for
 * it (learned by scripts/train/train_prompt_injection.py) is added to every
 * window's logit. A family alone does not decide: "system prompt" in a
 * question about LLMs adds to the score, it does not block.
 *
 * The training script reads this file (one P/PC entry per line, strings with
 * no escapes but \\ and \") and matches the same expressions with Python's
 * `re` on the UTF-8 bytes, so keep to the syntax both engines read alike:
 * groups, alternation, classes, \s \w \W \b, bounded repeats; no anchors,
 * lookaround or backreferences. P is caseless (ASCII), PC case-sensitive.
 * Vectorscan scans in byte mode (no HS_FLAG_UTF8): non-ASCII letters are
 * matched as their UTF-8 bytes, so spell both cases where it matters.
 */
#include "detect/injection.h"

#define P(fam, expr) {fam, expr, 1}
#define PC(fam, expr) {fam, expr, 0}

const char *const rg_pi_family_names[RG_PI_N_FAMILIES] = {
    "instruction_override", "new_instructions", "roleplay_jailbreak",
    "prompt_extraction",    "delimiter_injection", "encoding_trick",
};

const rg_pi_pattern_def_t rg_pi_patterns[] = {
    /* ---- instruction_override: drop what came before ---- */
    /* the word before "previous" is not "my": "ignore my previous message, I sent the wrong number" is a
     * correction in a chat, not an override (a caseless class of every word but "my": no lookaround) */
    P("instruction_override", "\\b(?:ignore|disregard|forget|override|bypass|dismiss|neglect|skip)\\W+(?:(?:\\w+\\W+){0,3}(?:[a-ln-z0-9_]\\w*|m[a-xz0-9_]\\w*|my\\w+|m)\\W+)?(?:previous|prior|above|preceding|earlier|initial|original|former|foregoing|old|system)\\W+(?:\\w+\\W+){0,2}(?:instructions?|prompts?|rules|directions?|directives?|guidelines|commands?|orders?|information|statements?|context|messages?|tasks?|conversation|text|inputs?|requests?)\\b"),
    P("instruction_override", "\\b(?:ignore|disregard|forget)\\s+(?:about\\s+)?(?:everything|all\\s+(?:of\\s+)?(?:that|this|the\\s+above|above|before))\\b"),
    P("instruction_override", "\\b(?:ignore|disregard|forget|abandon)\\s+(?:all|any|your|the|these|those|every)\\s+(?:of\\s+)?(?:your\\s+|the\\s+|my\\s+|its\\s+)?(?:\\w+\\s+)?(?:instructions|rules|guidelines|directions|restrictions|programming|directives|safeguards|constraints|filters)\\b"),
    /* "do not follow ...", split by the whitespace before "follow": every gap one character (the common case,
     * which Vectorscan anchors on "follow" with a short look-behind), then one expression per opening with its first
     * longer gap (the same matches as the one expression; 0.6 instructions/byte less) */
    P("instruction_override", "\\b(?:do\\snot|don'?t|stop|no\\slonger|never)\\sfollow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bdo\\s\\s+not\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bdo\\snot\\s\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bdon'?t\\s\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bstop\\s\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bno\\s\\s+longer\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bno\\slonger\\s\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bnever\\s\\s+follow(?:ing)?\\s+(?:any\\s+|the\\s+|your\\s+)?(?:previous\\s+|prior\\s+|above\\s+|original\\s+|initial\\s+)?(?:instructions|rules|guidelines|requests|directions)\\b"),
    P("instruction_override", "\\bforget\\s+(?:everything|all)\\s+(?:you|i|that|we|above|before|previously)\\b"),
    P("instruction_override", "\\b(?:nevermind|never\\s+mind)\\W+(?:\\w+\\W+){0,3}(?:ignore|instead|forget)\\b"),
    /* German */
    P("instruction_override", "\\b(?:vergiss|vergesst|vergessen\\s+sie|ignoriere|ignoriert|ignorieren\\s+sie|missachte|missachten\\s+sie|verwirf|verwerfen\\s+sie)\\s+(?:\\w+\\s+){0,3}(?:alles|alle|vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|deine|ihre|die)\\b"),
    P("instruction_override", "\\babweichend\\s+(?:zu|von)\\s+(?:den\\s+|deinen\\s+|ihren\\s+)?(?:vorherigen|bisherigen|obigen|vorigen)\\b"),
    P("instruction_override", "\\b(?:vorherigen?|vorigen?|bisherigen?|obigen?)\\s+(?:anweisungen|instruktionen|befehle|regeln|aufgaben|vorgaben)\\s+(?:ignorieren|vergessen|missachten|verwerfen)\\b"),
    P("instruction_override", "\\b(?:alles|alle)\\s+(?:zuvor|vorher|davor|bisher|oben)\\s+(?:gesagte|geschriebene|genannte|gesagten)\\b"),
    /* Russian, as UTF-8 text (caseless folds ASCII only, so both cases of the first letter) */
    P("instruction_override", "(?:З|з)абудь(?:те)?\\s+(?:\\S+\\s+){0,2}(?:инструкци|правила|указани|всё|все)"),
    P("instruction_override", "(?:И|и|Прои|прои)гнорируй(?:те)?\\s+(?:\\S+\\s+){0,2}(?:предыдущ|прошл|инструкци|правила|указани|всё|все)"),
    P("instruction_override", "(?:Н|н)е\\s+обращай(?:те)?\\s+внимания\\s+на\\s+(?:\\S+\\s+){0,1}(?:предыдущ|прошл|инструкци|правила|указани)"),
    /* Turkish puts the verb last ("önceki tüm talimatları yok say"); no \\b before a letter that is not ASCII */
    P("instruction_override", "(?:Ö|ö)nceki\\s+(?:\\S+\\s+){0,2}(?:talimatları|talimatlar|komutları|kuralları|yönergeleri)\\s+(?:\\S+\\s+)?(?:unut|yok\\s+say|görmezden\\s+gel|dikkate\\s+alma)"),
    P("instruction_override", "\\b(?:tüm|bütün|yukarıdaki)\\s+(?:\\S+\\s+){0,1}(?:talimatları|komutları|kuralları|yönergeleri)\\s+(?:unut|yok\\s+say|görmezden\\s+gel|dikkate\\s+alma)"),
    /* Chinese, Japanese, Korean */
    P("instruction_override", "(?:忽略|无视|忘记|忘掉)(?:掉)?(?:你)?(?:之前|以前|上面|以上|前面|先前|所有|全部)"),
    P("instruction_override", "(?:以前|前|上記|これまで)の(?:すべての|全ての)?(?:指示|命令|ルール|指令)を(?:無視|忘れ)"),
    P("instruction_override", "이전\\s*(?:의\\s*)?(?:모든\\s*)?(?:지시|명령|지침)(?:을|를|사항을|사항)?\\s*(?:무시|잊어)"),
    /* French, Spanish, Italian, Portuguese */
    P("instruction_override", "\\b(?:ignore[zs]?|oublie[zs]?)\\s+(?:toutes\\s+|tout\\s+)?(?:les\\s+|tes\\s+|vos\\s+|ce\\s+qui\\s+)?(?:instructions|consignes|r(?:\xc3\xa8|e)gles|pr(?:\xc3\xa9|e)c(?:\xc3\xa9|e)de)"),
    P("instruction_override", "\\b(?:ignora|olvida|ignore|olvide|ignorad|olvidad)\\s+(?:todas\\s+|todo\\s+)?(?:las\\s+|tus\\s+|sus\\s+|lo\\s+)?(?:instrucciones|reglas|indicaciones|anterior)"),
    P("instruction_override", "\\b(?:ignora|dimentica)\\s+(?:tutte\\s+|tutto\\s+)?(?:le\\s+)?(?:istruzioni|regole|quanto)"),
    P("instruction_override", "\\b(?:ignore|esque(?:\xc3\xa7|c)a)\\s+(?:todas\\s+)?(?:as\\s+)?(?:instru(?:\xc3\xa7|c)(?:\xc3\xb5|o)es|regras)\\s+anteriores"),

    /* ---- new_instructions: a replacement task or answer ---- */
    P("new_instructions", "\\b(?:new|updated|real|actual|true|secret|revised|additional)\\s+(?:instructions?|task|rules|directives?|objective|orders)\\s*(?::|are\\b|is\\b|follow)"),
    P("new_instructions", "\\b(?:now|next)\\W+(?:\\w+\\W+){0,3}(?:new|different|other)\\s+task\\b"),
    P("new_instructions", "\\byour\\s+(?:new|real|only|actual|true)\\s+(?:task|instruction|goal|job|objective|purpose|mission)\\s+(?:is|will\\s+be|now)\\b"),
    P("new_instructions", "\\b(?:instead|rather)\\s*,?\\s+(?:just\\s+|only\\s+|simply\\s+)?(?:say|print|output|write|respond\\s+with|reply\\s+with|answer\\s+with)\\b"),
    P("new_instructions", "\\b(?:just|only|simply)\\s+(?:say|print|output)\\s*[\"':]"),
    P("new_instructions", "\\b(?:from\\s+now\\s+on|starting\\s+now|henceforth|from\\s+this\\s+point)\\W+(?:\\w+\\W+){0,4}(?:you\\s+(?:will|must|are|shall|should|have\\s+to|only|no\\s+longer)|you'?re|i\\s+want\\s+you)\\b"),
    P("new_instructions", "\\bneue(?:n|r|s)?\\s+(?:anweisungen|aufgabe|aufgaben|instruktionen|befehle|regeln|vorgaben)\\b"),
    /* one expression per opening word (the same matches as one alternation; 0.9 instructions/byte less) */
    P("new_instructions", "\\bab\\s+(?:jetzt|sofort)\\s+(?:\\w+\\s+){0,2}(?:wirst|sollst|musst|darfst|bist|antwortest)\\b"),
    P("new_instructions", "\\bvon\\s+nun\\s+an\\s+(?:\\w+\\s+){0,2}(?:wirst|sollst|musst|darfst|bist|antwortest)\\b"),
    P("new_instructions", "(?:Н|н)ов(?:ые|ая|ое)\\s+(?:инструкци|задач|правила|указани)"),
    P("new_instructions", "新的?(?:指令|指示|任务)\\s*(?::|：)"),
    P("new_instructions", "\\b(?:nouvelles?\\s+(?:instructions|consignes|t(?:\xc3\xa2|a)che)|nuevas?\\s+(?:instrucciones|tarea)|nuove\\s+istruzioni)\\b"),

    /* ---- roleplay_jailbreak: a persona without rules ---- */
    PC("roleplay_jailbreak", "\\b(?:DAN|STAN|DUDE|AIM|BetterDAN|AntiGPT|DevMode)\\b"),
    /* split by the whitespace after the first word, one character or more (the same matches: Vectorscan checks
     * the common one-character case as a short look-behind of the rare literal instead of running a prefix
     * automaton over the text; 0.3 instructions/byte each on prose) */
    P("roleplay_jailbreak", "\\bdo\\sanything\\s+now\\b"),
    P("roleplay_jailbreak", "\\bdo\\s\\s+anything\\s+now\\b"),
    P("roleplay_jailbreak", "\\b(?:developer|dev|god|jailbreak|jailbroken|unrestricted|unfiltered|evil|opposite|sudo|debug|maintenance|chaos|dan)\\s+mode\\b"),
    P("roleplay_jailbreak", "\\byou\\s+are\\s+(?:now|no\\s+longer|free|going\\s+to\\s+(?:pretend|act|play|be))\\b"),
    P("roleplay_jailbreak", "\\byou'?re\\s+(?:now|no\\s+longer|free)\\b"),
    P("roleplay_jailbreak", "\\bpretend\\s+(?:that\\s+)?(?:you\\s+)?(?:are|have|to\\s+be|you'?re|there\\s+are)\\W+(?:\\w+\\W+){0,6}(?:no|without|free|unrestricted|unfiltered|uncensored|any)\\b"),
    P("roleplay_jailbreak", "\\b(?:stay|remain|keep|staying)\\s+in\\s+character\\b"),
    /* the "grandma exploit": play a dead grandparent who used to read out keys or recipes at bedtime. Single
     * whitespace gaps keep Vectorscan anchored on "grand"; a word character or an apostrophe after the noun
     * ("my late grandmother's watch") is not the role */
    P("roleplay_jailbreak", "\\b(?:act|acting|pretend|pretending|roleplay|role-play|play|be|become|impersonate|you\\sare|you'?re)\\s(?:as\\s|to\\sbe\\s|the\\srole\\sof\\s|like\\s)?(?:my|our)\\s(?:dear\\s|sweet\\s|beloved\\s|dear\\sold\\s)?(?:late|deceased|dead|departed)\\s(?:grand(?:mother|ma|mom|father|pa|dad)|granny)[\\s,.!?;:]"),
    P("roleplay_jailbreak", "\\bbreak(?:ing)?\\s+(?:out\\s+of\\s+)?character\\b"),
    /* one expression per opening word (the same matches as one alternation; Vectorscan scans the four in 4% fewer
     * instructions on prose than the one) */
    P("roleplay_jailbreak", "\\bno\\s(?:restrictions|filters?|filtering|limitations|censorship|boundaries|ethical|moral|morals|ethics|safeguards|guardrails)\\b"),
    P("roleplay_jailbreak", "\\bno\\s\\s+(?:restrictions|filters?|filtering|limitations|censorship|boundaries|ethical|moral|morals|ethics|safeguards|guardrails)\\b"),
    P("roleplay_jailbreak", "\\bwithout(?:\\s+any)?\\s+(?:restrictions|filters?|filtering|limitations|censorship|boundaries|ethical|moral|morals|ethics|safeguards|guardrails)\\b"),
    P("roleplay_jailbreak", "\\bfree\\s+(?:of|from)(?:\\s+any|\\s+all)?\\s+(?:restrictions|filters?|filtering|limitations|censorship|boundaries|ethical|moral|morals|ethics|safeguards|guardrails)\\b"),
    P("roleplay_jailbreak", "\\bzero\\s+(?:restrictions|filters?|filtering|limitations|censorship|boundaries|ethical|moral|morals|ethics|safeguards|guardrails)\\b"),
    P("roleplay_jailbreak", "\\b(?:anti|opposite|evil|uncensored|unfiltered|amoral|immoral|unethical|unrestricted|unchained|jailbroken)\\s*-?\\s*(?:ai|gpt|chatgpt|chatbot|assistant|bot|version|model|llm)\\b"),
    P("roleplay_jailbreak", "\\b(?:broken|break|broke)\\s+free\\s+(?:of|from)\\b"),
    /* split as "do not follow" above: every gap before the verb one character, then the first longer gap (1.1
     * instructions/byte less) */
    P("roleplay_jailbreak", "\\b(?:not|never|no\\slonger)\\s(?:have\\sto\\s|need\\sto\\s)?(?:abide|adhere|comply|bound)\\s+(?:by|to|with)\\b"),
    P("roleplay_jailbreak", "\\bno\\s\\s+longer\\s+(?:have\\s+to\\s+|need\\s+to\\s+)?(?:abide|adhere|comply|bound)\\s+(?:by|to|with)\\b"),
    P("roleplay_jailbreak", "\\b(?:not|never|no\\slonger)\\s\\s+(?:have\\s+to\\s+|need\\s+to\\s+)?(?:abide|adhere|comply|bound)\\s+(?:by|to|with)\\b"),
    P("roleplay_jailbreak", "\\b(?:not|never|no\\slonger)\\s(?:have|need)\\s\\s+to\\s+(?:abide|adhere|comply|bound)\\s+(?:by|to|with)\\b"),
    P("roleplay_jailbreak", "\\b(?:not|never|no\\slonger)\\s(?:have|need)\\sto\\s\\s+(?:abide|adhere|comply|bound)\\s+(?:by|to|with)\\b"),
    P("roleplay_jailbreak", "\\b(?:openai|content|usage|safety)\\s+polic(?:y|ies)\\b"),
    P("roleplay_jailbreak", "\\b(?:jetzt|nun|ab\\s+jetzt|ab\\s+sofort)\\s+bist\\s+du\\b"),
    P("roleplay_jailbreak", "\\bdu\\s+bist\\s+(?:jetzt|nun|ab\\s+sofort|ab\\s+jetzt|nicht\\s+mehr)\\b"),
    /* one expression per opening word, as above (0.2 instructions/byte less) */
    P("roleplay_jailbreak", "\\btu\\s+so,?\\s+als\\s+(?:ob|w(?:\xc3\xa4|ae)rst)\\b"),
    P("roleplay_jailbreak", "\\btue\\s+so,?\\s+als\\s+(?:ob|w(?:\xc3\xa4|ae)rst)\\b"),
    P("roleplay_jailbreak", "\\b(?:ohne|keine)\\s+(?:einschr(?:\xc3\xa4|ae)nkungen|filter|regeln|zensur|grenzen)\\b"),
    P("roleplay_jailbreak", "(?:Т|т)ы\\s+больше\\s+не\\s+(?:связан|ограничен|обязан)"),
    P("roleplay_jailbreak", "(?:Б|б)ез\\s+(?:каких-либо\\s+|всяких\\s+)?(?:ограничений|цензуры|фильтров)"),
    P("roleplay_jailbreak", "\\b(?:tu\\s+es\\s+maintenant|ahora\\s+eres|ora\\s+sei)\\b"),

    /* ---- prompt_extraction: show the hidden prompt ---- */
    /* split by the number of filler words, none or one to four (the same matches; 0.5 instructions/byte less on
     * prose than {0,4} in one expression) */
    P("prompt_extraction", "\\b(?:repeat|print|reveal|show|display|output|tell|give|write|list|leak|dump|spell|share|return|recite|disclose|copy)\\W+(?:system\\s+prompt|system\\s+message|initial\\s+(?:prompt|instructions)|original\\s+(?:prompt|instructions)|hidden\\s+(?:prompt|instructions)|secret\\s+(?:prompt|instructions|password|key)|your\\s+(?:prompt|instructions|rules|guidelines|programming|directives|configuration)|pre-?prompt|prompt\\s+text)\\b"),
    P("prompt_extraction", "\\b(?:repeat|print|reveal|show|display|output|tell|give|write|list|leak|dump|spell|share|return|recite|disclose|copy)\\W+(?:(?:me|us|all|of|the|your|this|that|these|entire|whole|full|exact|complete|back|again|out|verbatim|word\\s+for\\s+word)\\W+){1,4}(?:system\\s+prompt|system\\s+message|initial\\s+(?:prompt|instructions)|original\\s+(?:prompt|instructions)|hidden\\s+(?:prompt|instructions)|secret\\s+(?:prompt|instructions|password|key)|your\\s+(?:prompt|instructions|rules|guidelines|programming|directives|configuration)|pre-?prompt|prompt\\s+text)\\b"),
    P("prompt_extraction", "\\b(?:repeat|print|output|show|reveal|display|write|return|spell[\\s-]+check|translate|summarize|list)\\W+(?:(?:me|us|all|of|the|your|this|that|these|entire|whole|full|exact|complete|back|again|out|verbatim|word\\s+for\\s+word)\\W+){0,4}(?:text|everything|words|instructions|prompt|content|lines|sentences?|messages?)\\s+(?:above|before\\s+this|preceding|prior)\\b"),
    P("prompt_extraction", "\\bwhat\\s+(?:was|is|were)\\s+(?:written|said|typed)\\s+(?:above|before)\\b"),
    /* a system prompt named as the model's own ("your system prompt", "your system message", "what's in the
     * system prompt"), not any mention: "What is a system prompt?" and "How do I set the system prompt in the
     * SDK?" are questions */
    P("prompt_extraction", "\\byour\\s+(?:\\w+\\s+)?system\\s*(?:prompt|message|instructions?)\\b"),
    P("prompt_extraction", "\\bwhat(?:'?s|\\s+is|\\s+was|\\s+are|\\s+were)?\\s+(?:\\w+\\s+){0,2}(?:in|inside)\\s+(?:the|your)\\s+system\\s*prompt\\b"),
    P("prompt_extraction", "\\b(?:what|which)\\s+(?:are|were)\\s+your\\s+(?:\\w+\\s+){0,2}(?:instructions|rules|directives)\\b"),
    P("prompt_extraction", "\\b(?:zeige?|gib|drucke?|wiederhole|verrate|nenne|schreibe?)\\b\\W+(?:\\w+\\W+){0,4}(?:deine?n?|ihre?n?|die|alle)\\s+(?:\\w+\\s+){0,1}(?:anweisungen|instruktionen|systemprompt|system-prompt|eingabeaufforderung|vorgaben)\\b"),
    P("prompt_extraction", "\\b(?:obigen?|vorherigen?|urspr(?:\xc3\xbc|ue)nglichen?)\\s+(?:eingabeaufforderung|prompt|anweisungen|text)\\b"),

    P("prompt_extraction", "(?:покажи|выведи|раскрой|повтори|напиши)(?:те)?\\s+(?:\\S+\\s+){0,2}(?:системн|свои\\s+инструкци|твои\\s+инструкци|промпт)"),
    P("prompt_extraction", "\\bsistem\\s+(?:istemini|komutunu|promptunu|talimatlarını)\\s+(?:\\S+\\s+)?(?:göster|yaz|söyle|paylaş|ver|tekrarla)"),
    P("prompt_extraction", "(?:显示|输出|告诉我|重复|打印|泄露)(?:一下)?(?:你的)?(?:系统提示|系统指令|初始指令|提示词)"),
    P("prompt_extraction", "システムプロンプトを(?:表示|教え|出力)"),

    /* ---- delimiter_injection: fake turn or section markers ---- */
    P("delimiter_injection", "<\\|\\s*(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id|user|assistant)\\s*\\|>"),
    PC("delimiter_injection", "\\[/?INST\\]|<</?SYS>>"),
    /* split by the whitespace after "<" or "</", none or some (the same matches; 0.9 instructions/byte less) */
    P("delimiter_injection", "</?(?:system|user|assistant|instructions?|sys|admin)\\s*>"),
    P("delimiter_injection", "</?\\s+(?:system|user|assistant|instructions?|sys|admin)\\s*>"),
    P("delimiter_injection", "#{2,}\\s*(?:system|new\\s+instructions?|end\\s+of\\s+(?:prompt|instructions|input))\\b"),
    P("delimiter_injection", "(?:={3,}|-{4,}|\\*{4,})\\s*(?:end|system|begin|new)\\b"),
    P("delimiter_injection", "\\bend\\s+of\\s+(?:system\\s+)?(?:prompt|instructions|context|input)\\b"),
    P("delimiter_injection", "\\[(?:system|admin|developer)(?:\\s+(?:note|message|override))?\\]"),
    P("delimiter_injection", "\\b(?:system|admin|developer)\\s+(?:override|message|note|update|instruction)\\s*:"),

    /* ---- encoding_trick: hide the instruction, have it decoded and followed ---- */
    P("encoding_trick", "\\b(?:decode|decipher|decrypt|unscramble)\\b\\W+(?:\\w+\\W+){0,6}(?:and|then)\\s+(?:\\w+\\s+){0,2}(?:follow|execute|do|run|obey|answer|perform|act)\\b"),
    P("encoding_trick", "\\b(?:base64|base-64|b64|rot-?13|hex-?encoded|caesar\\s+cipher|morse\\s+code)\\b"),
    P("encoding_trick", "\\b(?:translate|reverse|read)\\b\\W+(?:\\w+\\W+){0,8}(?:then|and\\s+then)\\s+(?:execute|follow|do|run|obey|perform)\\b"),
    P("encoding_trick", "\\b(?:1gn0r3|1gn0re|ign0re|1gnore|ignor3|d1sregard|pr3vious|prev10us|instruct10ns|1nstructions|j41lbr34k|jailbr34k|syst3m|pr0mpt)\\b"),
    P("encoding_trick", "\\bi[ -]g[ -]n[ -]o[ -]r[ -]e\\b"),

    /* ---- attack kinds without an override cue (issue 4): goal hijacking after a closing remark, a new-task
     * marker, a note to the model inside a document, characters that stay in their roles, a persona that never
     * refuses; written after reading cross-validation misses (see the design note) ---- */
    P("instruction_override", "\\bolvid(?:a|e|ar|ad|ate)\\s+(?:de\\s+)?todo\\b"),
    P("new_instructions", "\\b(?:that(?:'s|\\s+is|\\s+was)|this\\s+is|das\\s+ist|das\\s+war)\\s+(?:done|enough|erledigt|genug)\\W+(?:\\w+\\W+){0,6}(?:now|nun|jetzt)\\b"),
    P("new_instructions", "\\b(?:very\\s+good|well\\s+done|great\\s+job|good\\s+job|sehr\\s+gut|gut\\s+gemacht)\\W+(?:\\w+\\W+){0,8}(?:now|nun|jetzt)\\s+(?:\\w+\\s+){0,3}(?:write|say|tell|answer|task|challenge|help|verfasse|schreibe|sage?|aufgabe)"),
    P("new_instructions", "\\b(?:previous|prior|above|earlier)\\s+(?:\\w+\\s+){0,2}behind\\b"),
    P("new_instructions", "\\b(?:new|additional|further)\\s+(?:statement|instruction|task|challenge)\\s*(?:-|:)"),
    P("new_instructions", "\\bstop\\s*[:!-]+\\s*(?:write|say|print|tell|answer)\\b"),
    /* one expression per opening, and "if" + one whitespace character or more split (the same matches as one
     * alternation; 0.4 instructions/byte less). "note to" needs two whitespace runs before the addressee, as
     * it always did. */
    P("new_instructions", "\\bif\\syou\\s+are\\s+an?\\s+(?:ai|llm|language\\s+model|ai\\s+assistant|chatbot)\\b"),
    P("new_instructions", "\\bif\\s\\s+you\\s+are\\s+an?\\s+(?:ai|llm|language\\s+model|ai\\s+assistant|chatbot)\\b"),
    P("new_instructions", "\\bnote\\s+to\\s+(?:the\\s+)?\\s+(?:ai|llm|language\\s+model|ai\\s+assistant|chatbot)\\b"),
    P("new_instructions", "\\bdear\\s+(?:ai|llm|language\\s+model|ai\\s+assistant|chatbot)\\b"),
    P("roleplay_jailbreak", "\\bin\\s+(?:their|his|her|your)\\s+roles?\\b"),
    P("roleplay_jailbreak", "\\bpretend\\s+(?:that\\s+)?you\\s+(?:can|could|are\\s+able|have\\s+access)\\b"),
    P("roleplay_jailbreak", "\\bnever\\s+refuses?\\b"),
    P("roleplay_jailbreak", "\\byour\\s+name\\s+is\\s+now\\b"),
    /* split as "do anything now" above */
    P("roleplay_jailbreak", "\\bmake\\s(?:something|stuff)\\s+up\\b"),
    P("roleplay_jailbreak", "\\bmake\\s\\s+(?:something|stuff)\\s+up\\b"),
};

const size_t rg_pi_n_patterns = sizeof(rg_pi_patterns) / sizeof(rg_pi_patterns[0]);

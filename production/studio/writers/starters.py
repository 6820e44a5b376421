"""The built-in starter templates: what an AI model is told, and the frames the offline writer uses.

Each dict matches PromptTemplate field for field (slug, name, category, description, instructions,
target_seconds, language, version) plus `frames`, which only the offline template writer reads:

- `titles`, `hooks`, `ctas`, `questions`: alternatives; the writer picks one of each by seed.
- `body`: beats, one scene each; `order` "shuffle" picks any `count` of them, "fixed" keeps their
  order and drops the highest `rank` first. `opening` / `closing` beats are added when the length
  calls for them. A beat's `say` is a list of sentences: the first always, the others while the
  scene still needs words; a sentence given as a list is a choice of phrasings. `look` is what the
  scene could show.
- `label` / `label_last` number the scenes ("Tip {n_word}:"); `min_sentences` a beat always says
  (default 1); `variants` are sets of values chosen once per script (a story's hero, the quote of
  the day); `note` is added to the script's notes.

A phrasing that uses a variable the creator left blank ({product}, {audience}) is never chosen.
Other variables: {topic}, {item} (the product, or else the topic), {follow} ("subscribe" on YouTube),
{count}, {count_word}, {duration}; a capitalised name ({Topic}) starts a sentence.

Bump `version` when a template's instructions or frames change: scripts record the version they used.
"""

from __future__ import annotations

STARTER_TEMPLATES: list[dict] = [
    {
        "slug": "five-quick-tips",
        "name": "5 quick tips",
        "category": "tips",
        "description": "A fast list of practical tips, one per scene, with a hook that promises a quick win.",
        "instructions": (
            "Write a fast-paced tips video about {topic} for {audience}, in a {tone} tone. "
            "Open with a hook that promises a quick, concrete win. Then give five short, practical tips, "
            "one per scene: each tip is one specific action and the reason it works. No filler, no generic "
            "advice that would fit any topic. End with a call to action that invites viewers to follow for more."
        ),
        "target_seconds": 40,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["{count} quick tips for {topic}", "{Topic}: {count} tips that actually help"],
            "hooks": [
                "{Count_word} quick tips that make {topic} easier, starting today.",
                "{Count_word} quick tips for {topic}.",
                "Most people overcomplicate {topic}. These {count_word} tips fix that.",
                "Want better results with {topic}? Try these {count_word} quick tips.",
                "Save this if you ever find {topic} hard work. {Count_word} quick tips.",
                "{Audience}, this one's for you: {count_word} quick tips for {topic}.",
            ],
            "label": "Tip {n_word}:",
            "min_sentences": 2,  # a tip is always told with its reason
            "label_last": "And the last tip:",
            "order": "shuffle",
            "count": [2, 12],
            "body": [
                {
                    "say": [
                        "Start small.",
                        "One habit you keep beats ten you don't.",
                        "Add the next only when the first feels easy.",
                    ],
                    "look": "first step",
                },
                {
                    "say": [
                        "Get the basics right first.",
                        "Everything else with {topic} builds on them.",
                        "Nail those, and the rest gets easier.",
                    ],
                    "look": "hands close-up",
                },
                {
                    "say": [
                        "Write down what you try.",
                        "Notes show what really works.",
                        "Memory is generous; notes are honest.",
                    ],
                    "look": "writing notes",
                },
                {
                    "say": [
                        "Change one thing at a time.",
                        "Otherwise you'll never know what helped.",
                        "Slow and clear beats fast and confusing.",
                    ],
                    "look": "adjusting details",
                },
                {
                    "say": [
                        "Learn from people who do it well.",
                        "Watch how they approach {topic}.",
                        "Then borrow one habit, not their whole routine.",
                    ],
                    "look": "learning from an expert",
                },
                {
                    "say": [
                        "Keep your setup simple.",
                        "You don't need fancy gear for {topic}.",
                        "Upgrade only when your tools hold you back.",
                    ],
                    "look": "simple tools",
                },
                {
                    "say": [
                        "Make it a habit, not a project.",
                        "Tie it to something you do every day.",
                        "Then it stops feeling like effort.",
                    ],
                    "look": "daily routine",
                },
                {
                    "say": [
                        "Ask why before how.",
                        "Test advice about {topic} before you trust it.",
                        "Good advice survives a quick test.",
                    ],
                    "look": "thinking",
                },
                {
                    "say": [
                        "Give new ideas three tries.",
                        "First attempts are rarely the best.",
                        "Judge it on the third.",
                    ],
                    "look": "trying again",
                },
                {
                    "say": [
                        "Decide what better means for you.",
                        "Then measure that, and ignore the rest.",
                        "A clear goal is one you can actually hit.",
                    ],
                    "look": "target",
                },
                {
                    "say": [
                        "Fix the biggest problem first.",
                        "One big mistake costs more than ten small ones.",
                        "Find it, fix it, move on.",
                    ],
                    "look": "fixing a problem",
                },
                {
                    "say": [
                        "Teach someone else.",
                        "Explaining {topic} shows you where your gaps are.",
                        "You'll learn it twice.",
                    ],
                    "look": "friends talking",
                },
            ],
            "ctas": [
                "Which tip are you trying first? Tell me in the comments.",
                "Save this for later, and {follow} for more quick tips.",
                "{Follow} for more quick tips.",
                "Try one today, and {follow} for more like this.",
            ],
            "questions": ["Which tip are you trying first?", "What would you add to the list?"],
            "tags": ["tips", "howto"],
        },
    },
    {
        "slug": "mistakes-to-avoid",
        "name": "Mistakes to avoid",
        "category": "tips",
        "description": "The common mistakes people make, each with the fix, so viewers skip the hard way.",
        "instructions": (
            "Write a short video about the most common mistakes people make with {topic}, for {audience}, in a "
            "{tone} tone. Hook: make viewers wonder whether they are making these mistakes. Then one mistake per "
            "scene, each named plainly and followed by the fix. Be specific to {topic}. End by asking viewers "
            "which mistake they have made."
        ),
        "target_seconds": 30,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["{count} mistakes to avoid with {topic}", "Stop making these {count} mistakes with {topic}"],
            "hooks": [
                "You're probably making at least one of these mistakes with {topic}.",
                "{Count_word} mistakes to avoid with {topic}.",
                "Avoid these {count_word} mistakes, and you'll find {topic} a lot easier.",
                "I wish someone had warned me about these {count_word} mistakes with {topic}.",
                "{Audience}: avoid these {count_word} mistakes with {topic}.",
            ],
            "label": "Mistake {n_word}:",
            "min_sentences": 2,  # a mistake is always told with its fix
            "label_last": "And the big one:",
            "order": "shuffle",
            "count": [2, 11],
            "body": [
                {
                    "say": [
                        "Doing too much at once.",
                        "Pile on every change and you'll burn out before anything sticks.",
                        "Pick one thing and get it right.",
                    ],
                    "look": "overwhelmed",
                },
                {
                    "say": [
                        "Skipping the basics.",
                        "The fundamentals of {topic} aren't exciting, but everything rests on them.",
                        "Spend a week on them.",
                    ],
                    "look": "foundation",
                },
                {
                    "say": [
                        "Copying someone else's routine exactly.",
                        "What works for them may not fit your time, budget, or taste.",
                        "Borrow the idea, then adapt it.",
                    ],
                    "look": "comparison",
                },
                {
                    "say": [
                        "Buying before learning.",
                        "New gear won't fix a habit you haven't built yet.",
                        "Learn with what you have first.",
                    ],
                    "look": "shopping",
                },
                {
                    "say": [
                        "Never checking your results.",
                        "If you don't track what happens with {topic}, you're guessing.",
                        "A quick note after each try is enough.",
                    ],
                    "look": "taking notes",
                },
                {
                    "say": [
                        "Giving up after one bad try.",
                        "Everyone's first attempts at {topic} are rough.",
                        "The second and third are where it clicks.",
                    ],
                    "look": "trying again",
                },
                {
                    "say": [
                        "Trusting every viral tip.",
                        "Plenty of online advice about {topic} has never been tested.",
                        "Try it small before you commit.",
                    ],
                    "look": "scrolling a phone",
                },
                {
                    "say": [
                        "Ignoring the small details.",
                        "Little things add up faster than you think.",
                        "Fix one small detail each time.",
                    ],
                    "look": "close-up detail",
                },
                {
                    "say": [
                        "Waiting for the perfect moment.",
                        "There isn't one.",
                        "Ten minutes today beats a perfect plan for next month.",
                    ],
                    "look": "clock",
                },
                {
                    "say": [
                        "Going it alone.",
                        "A friend, a forum, or a class will spot problems you can't see.",
                        "Ask early; it saves weeks.",
                    ],
                    "look": "community",
                },
                {
                    "say": [
                        "Rushing the process.",
                        "Slowing down is often the fastest way to get better at {topic}.",
                        "Speed comes later, on its own.",
                    ],
                    "look": "slow motion",
                },
            ],
            "ctas": [
                "Which of these have you made? Be honest in the comments.",
                "{Follow} so you don't make the next one.",
                "Send this to someone who needs it, and {follow} for more.",
            ],
            "questions": ["Which of these have you made?", "What mistake would you add?"],
            "tags": ["tips", "mistakes"],
        },
    },
    {
        "slug": "myth-vs-fact",
        "name": "Myth vs fact",
        "category": "explainer",
        "description": "Common beliefs about the topic, each set against what is actually true.",
        "instructions": (
            "Write a myth-busting video about {topic} for {audience}, in a {tone} tone. Hook: challenge what "
            "viewers think they know. Then one myth per scene: state the myth in a few words, then the fact that "
            "corrects it, with one concrete detail. Use only well-established facts about {topic}; never invent "
            "statistics or studies. End by asking which myth viewers believed."
        ),
        "target_seconds": 30,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["Myth vs fact: {topic}", "{count} myths about {topic}, busted"],
            "hooks": [
                "You've probably heard these myths about {topic}. Let's fix them.",
                "{Count_word} things people get wrong about {topic}.",
                "{Count_word} myths about {topic}, busted.",
                "Myth or fact? Let's test what you know about {topic}.",
            ],
            "order": "shuffle",
            "count": [1, 9],
            "body": [
                {
                    "say": [
                        "Myth: you need expensive gear to get into {topic}. Fact: the basics take you most of the way.",
                        "Upgrade later, once you know what you need.",
                    ],
                    "look": "equipment",
                },
                {
                    "say": [
                        "Myth: only experts get good results with {topic}. Fact: every expert started as a beginner.",
                        "Curiosity counts for more than talent.",
                    ],
                    "look": "beginner",
                },
                {
                    "say": [
                        "Myth: there's one right way to do it. Fact: there are several.",
                        "The best one is the one that fits your life.",
                    ],
                    "look": "different paths",
                },
                {
                    "say": [
                        "Myth: more is always better. Fact: with {topic}, consistency beats intensity.",
                        "A little, often, wins.",
                    ],
                    "look": "steady routine",
                },
                {
                    "say": [
                        "Myth: it takes years to get anywhere. Fact: small improvements show up within weeks.",
                        "Big changes are just small wins, stacked.",
                    ],
                    "look": "progress",
                },
                {
                    "say": [
                        "Myth: it's too late to start. Fact: the best time to get into {topic} is when you're curious.",
                        "That might be today.",
                    ],
                    "look": "starting line",
                },
                {
                    "say": [
                        "Myth: the most popular advice is the right advice. Fact: popular just means repeated.",
                        "Test it yourself before you trust it.",
                    ],
                    "look": "social media",
                },
                {
                    "say": [
                        "Myth: you have to do it every single day. Fact: a rhythm you can keep matters more.",
                        "Streaks are optional; coming back is not.",
                    ],
                    "look": "calendar",
                },
                {
                    "say": [
                        "Myth: mistakes mean you're bad at it. Fact: with {topic}, mistakes show you what works.",
                        "Every expert has made them all.",
                    ],
                    "look": "learning",
                },
            ],
            "ctas": [
                "Which myth did you believe? Tell me below.",
                "{Follow} for more myths, busted.",
                "Share this with someone who still believes the first one.",
            ],
            "questions": ["Which myth did you believe?", "Heard another myth? Drop it below."],
            "tags": ["mythbusting", "didyouknow"],
        },
    },
    {
        "slug": "explain-like-im-five",
        "name": "Explain it like I'm five",
        "category": "explainer",
        "description": "The topic in the plainest words, with an everyday comparison anyone can follow.",
        "instructions": (
            "Explain {topic} so simply that a five-year-old could follow it, for {audience}, in a {tone} tone. "
            "Hook: promise the simple version. Then build it up one scene at a time: what it is, an everyday "
            "comparison, how it works in two or three plain steps, and why it matters. Short sentences, no "
            "jargon; if a technical word is unavoidable, explain it at once. End with one line worth remembering."
        ),
        "target_seconds": 45,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["Understand {topic} well enough to explain it to a five-year-old", "{Topic}, made simple"],
            "hooks": [
                "Want to really understand {topic}? Explain it like you're talking to a five-year-old.",
                "Here's the fastest way to understand {topic}: explain it to a five-year-old.",
                "If you can't explain {topic} simply, you don't understand it yet. Here's the fix.",
            ],
            "label": "Step {n_word}:",
            "order": "fixed",
            "count": [2, 6],
            "body": [
                {
                    "say": [
                        "Write down what you know about {topic} in plain words, as if for a curious kid.",
                        "No notes, no jargon, just your own sentences.",
                    ],
                    "look": "writing notes",
                    "rank": 0,
                },
                {
                    "say": [
                        "Circle every spot where you reached for a big word.",
                        "That's where your understanding is thinner than you thought.",
                    ],
                    "look": "circling words",
                    "rank": 1,
                },
                {
                    "say": [
                        "Go back to a good source and fill those gaps.",
                        "Ask someone who knows {topic} well, or find one clear book.",
                    ],
                    "look": "reading a book",
                    "rank": 2,
                },
                {
                    "say": [
                        "Explain it again with an everyday comparison.",
                        "Something a kid already knows, like a kitchen, a playground, or a piggy bank.",
                    ],
                    "look": "playground",
                    "rank": 3,
                },
                {
                    "say": [
                        "Cut your explanation down to three sentences.",
                        "If you can't, keep simplifying until you can.",
                    ],
                    "look": "simple",
                    "rank": 5,
                },
                {
                    "say": [
                        "Say it out loud to a real person.",
                        "Their first question shows you what to explain next.",
                    ],
                    "look": "conversation",
                    "rank": 4,
                },
            ],
            "closing": [
                {
                    "say": ["If a five-year-old could follow it, you really understand {topic}."],
                    "look": "child smiling",
                }
            ],
            "ctas": [
                "Try it tonight, and {follow} for more ways to learn faster.",
                "What should we explain next? Tell me in the comments.",
                "Save this for the next thing you want to learn.",
            ],
            "questions": ["What should we explain next?", "What's the hardest thing you ever had to explain?"],
            "tags": ["explained", "learnsomething"],
        },
    },
    {
        "slug": "quote-of-the-day",
        "name": "Quote of the day",
        "category": "quote",
        "description": "One memorable line about the topic, what it means, and how to use it today.",
        "instructions": (
            "Write a quote-of-the-day video about {topic} for {audience}, in a {tone} tone. Start with a short "
            "hook, then the quote on its own, then what it means in plain words, then one thing viewers can do "
            "today because of it. Use a real quote only if you are certain of its exact words and author, and "
            "name the author; otherwise write an original line and attribute it to no one. Never invent an "
            "attribution."
        ),
        "target_seconds": 20,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["Today's thought on {topic}", "A quote about {topic} worth keeping"],
            "hooks": [
                "Here's a thought about {topic} worth keeping.",
                "A thought about {topic}, for today.",
                "One sentence that might change how you think about {topic}.",
                "Today's quote is for anyone who cares about {topic}.",
                "A quote for {audience} who care about {topic}.",
            ],
            "order": "fixed",
            "count": [2, 3],
            "variants": [
                {
                    "quote": "“Nobody gets good at {topic} by waiting until they feel ready.”",
                    "meaning": "Feeling ready usually comes after you start, not before.",
                    "meaning2": "Confidence is a result of practice, not a ticket to it.",
                    "action": "So pick the smallest possible first step with {topic}, and take it today.",
                    "action2": "Ten imperfect minutes teach more than a week of planning.",
                },
                {
                    "quote": "“Progress with {topic} is quiet. Keep showing up anyway.”",
                    "meaning": "Most improvement happens long before anyone notices it, including you.",
                    "meaning2": "The days when nothing seems to happen still count.",
                    "action": "Keep a simple note of each time you show up for {topic}.",
                    "action2": "In a month, that list will show you how far you've come.",
                },
                {
                    "quote": "“Get curious about {topic} before you get serious.”",
                    "meaning": "Curiosity keeps you going long after discipline runs out.",
                    "meaning2": "When something interests you, practice stops feeling like work.",
                    "action": "Today, look up one thing about {topic} you've always wondered about.",
                    "action2": "Then follow that question wherever it leads.",
                },
                {
                    "quote": "“The best advice about {topic} is the advice you actually use.”",
                    "meaning": "A simple plan you follow beats a perfect one you don't.",
                    "meaning2": "Knowing more isn't the goal; doing a little is.",
                    "action": "Choose one piece of advice about {topic} you already know, and use it this week.",
                    "action2": "Skip the next tutorial until you have.",
                },
            ],
            "opening": [
                {
                    "say": ["Before the quote, think about where you are with {topic} right now."],
                    "look": "quiet morning",
                },
            ],
            "closing": [
                {
                    "say": ["Come back to this line whenever you feel stuck with {topic}.", "It will still be true."],
                    "look": "sunset",
                },
            ],
            "body": [
                {"say": [["Here it is: {quote}", "Today's quote: {quote}"]], "look": "sunrise", "rank": 0},
                {"say": ["{meaning}", "{meaning2}"], "look": "thoughtful walk", "rank": 2},
                {"say": ["{action}", "{action2}"], "look": "taking action", "rank": 1},
            ],
            "ctas": [
                "Save this for the day you need it.",
                "{Follow} for a new thought every day.",
                "Send this to someone who needs to hear it.",
            ],
            "questions": ["Who needs to hear this today?", "What's a line that keeps you going?"],
            "tags": ["quoteoftheday", "motivation"],
            "note": "The quote is an original line, not a quotation of anyone.",
        },
    },
    {
        "slug": "product-in-30-seconds",
        "name": "Product in 30 seconds",
        "category": "product",
        "description": "What the product does, who it is for and why it is different, in half a minute.",
        "instructions": (
            "Write a {tone} 30-second product video for {product}, which helps with {topic}, aimed at {audience}. "
            "Hook: name the product and the one thing it changes. Then, one per scene: what it does, who it is "
            "for, what makes it different, and what using it looks like. Only state features and benefits you "
            "were given or that are certainly true; no invented numbers, reviews or guarantees. End with a clear "
            "call to action to check it out."
        ),
        "target_seconds": 30,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["{Item} in {duration}", "{Item}: the quick version"],
            "hooks": [
                "Everything you need to know about {item}, in {duration}.",
                "Thinking about {item}? Here's the quick version.",
                "Meet {product}: {topic}, made easier.",
                "This is {product}, and it might change how you think about {topic}.",
            ],
            "order": "fixed",
            "count": [2, 5],
            "body": [
                {
                    "say": [
                        [
                            "{Product} is made for one thing: making {topic} easier.",
                            "The idea is simple: {topic}, minus the hassle.",
                        ],
                        "Fewer steps, less fuss, and more of what you came for.",
                    ],
                    "look": "product close-up",
                    "rank": 0,
                },
                {
                    "say": [
                        [
                            "It's for {audience} who want more from {topic}, without more effort.",
                            "It's for anyone who wants more from {topic}, without more effort.",
                        ],
                        "Beginners and regulars alike.",
                    ],
                    "look": "happy customer",
                    "rank": 1,
                },
                {
                    "say": [
                        "What makes it different? It keeps the parts of {topic} you enjoy and cuts the rest.",
                        "That's the whole point.",
                    ],
                    "look": "before and after",
                    "rank": 2,
                },
                {
                    "say": [
                        "Picture your usual day, with one less thing to worry about.",
                        ["That's the difference {product} is going for.", "That's the whole idea."],
                    ],
                    "look": "relaxed morning",
                    "rank": 3,
                },
                {
                    "say": [
                        "Don't just take my word for it.",
                        "Try it yourself, and judge it on your own results.",
                    ],
                    "look": "trying it out",
                    "rank": 4,
                },
            ],
            "ctas": [
                "Curious? Check out {product} and see for yourself.",
                "Questions about {product}? Ask me in the comments.",
                "Check out {product}, and {follow} for more finds like this.",
                "Questions? Ask me in the comments, and {follow} for more on {topic}.",
            ],
            "questions": ["Would you try it?", "What would you use it for first?"],
            "tags": ["musthave", "newfind"],
            "note": "Check that every claim matches the product before you publish.",
        },
    },
    {
        "slug": "problem-solution-promo",
        "name": "Problem → solution promo",
        "category": "product",
        "description": "Name the viewer's problem, make it felt, then show the fix.",
        "instructions": (
            "Write a {tone} problem-to-solution promo for {product}, about {topic}, aimed at {audience}. "
            "Scene by scene: the problem in the viewer's own words, why it is frustrating, the solution "
            "({product}), how it works in one or two plain steps, and the result. Stay concrete and honest: no "
            "invented statistics, reviews or guarantees. End with a call to action to try it."
        ),
        "target_seconds": 30,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["The simple fix for {topic}", "{Topic}, without the frustration"],
            "hooks": [
                "Struggling with {topic}? You're not alone, and there's a fix.",
                "Fed up with {topic}? There's an easier way.",
                "Struggling with {topic}? Watch this.",
                "{Audience}: there's an easier way to handle {topic}.",
            ],
            "order": "fixed",
            "count": [2, 5],
            "body": [
                {
                    "say": [
                        "Here's the problem: with {topic}, simple never seems to stay simple.",
                        "Too many steps, too many choices, too little time.",
                    ],
                    "look": "frustrated person",
                    "rank": 0,
                },
                {
                    "say": ["So you try harder, spend more, and still end up frustrated.", "Sound familiar?"],
                    "look": "stress",
                    "rank": 3,
                },
                {
                    "say": [
                        ["That's exactly why {product} exists.", "The fix isn't more effort. It's a better system."],
                        "It does the hard part, so you don't have to.",
                    ],
                    "look": "solution",
                    "rank": 1,
                },
                {
                    "say": [
                        "It works by cutting {topic} down to the few steps that actually matter.",
                        "Everything else, you can skip.",
                    ],
                    "look": "simple steps",
                    "rank": 4,
                },
                {
                    "say": [
                        "The result: less stress, better results, and more time for everything else.",
                        "That's what {topic} should feel like.",
                    ],
                    "look": "happy and relaxed",
                    "rank": 2,
                },
            ],
            "ctas": [
                "Ready to make {topic} easy? Check out {product} today.",
                "Try it for a week, and {follow} for more fixes like this.",
                "Want the details? Ask me in the comments.",
            ],
            "questions": ["Sound familiar?", "What's your biggest frustration with it?"],
            "tags": ["lifehack", "musthave"],
            "note": "Check that every claim matches the product before you publish.",
        },
    },
    {
        "slug": "tiny-story-twist",
        "name": "Tiny story with a twist",
        "category": "story",
        "description": "A very short story about the topic that turns on an unexpected ending.",
        "instructions": (
            "Write a tiny story about {topic} for {audience}, in a {tone} tone, told in short scenes: a character "
            "with a goal, a problem that grows, a turning point, and a twist the viewer does not see coming but "
            "that makes sense looking back. Make it clear it is a story, not a true account. Keep sentences "
            "short and visual. End with a line that invites comments about the twist."
        ),
        "target_seconds": 40,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["A tiny story about {topic}, with a twist", "What Grandma knew about {topic}"],
            "hooks": [
                "{Hero} thought {pron} had {topic} all figured out. {Pron} was wrong.",
                "{Hero} thought {pron} had {topic} figured out.",
                "This is the story of {hero}, {topic}, and one very simple question.",
                "Nobody expected a five-minute visit to change how {hero} saw {topic}.",
            ],
            "variants": [
                {"hero": "Maya", "pron": "she", "poss": "her"},
                {"hero": "Sam", "pron": "he", "poss": "his"},
                {"hero": "Priya", "pron": "she", "poss": "her"},
                {"hero": "Leo", "pron": "he", "poss": "his"},
                {"hero": "Ana", "pron": "she", "poss": "her"},
                {"hero": "Jonas", "pron": "he", "poss": "his"},
            ],
            "order": "fixed",
            "count": [3, 6],
            "body": [
                {
                    "say": ["For months, {hero} read everything about {topic}.", "Guides, videos, forums, all of it."],
                    "look": "reading late at night",
                    "rank": 0,
                },
                {
                    "say": [
                        "{Pron} made a plan, with color-coded notes and a very ambitious schedule.",
                        "Day one went perfectly.",
                    ],
                    "look": "planner notes",
                    "rank": 5,
                },
                {
                    "say": [
                        "By day three, it was all falling apart.",
                        "Too many rules, too little time, and no fun at all.",
                    ],
                    "look": "frustrated",
                    "rank": 4,
                },
                {
                    "say": [
                        "Then {poss} grandma watched for five minutes and asked, “Why are you making this so hard?”",
                        "{Hero} had no answer.",
                    ],
                    "look": "grandmother",
                    "rank": 1,
                },
                {
                    "say": [
                        "Here's the twist: Grandma had never read a single thing about {topic}.",
                        "She just kept it simple, and stayed curious, for forty years.",
                    ],
                    "look": "elderly hands",
                    "rank": 2,
                },
                {
                    "say": [
                        "So {hero} threw out the plan and kept just one habit.",
                        "Now, when it comes to {topic}, {pron} keeps it simple, and it works.",
                    ],
                    "look": "smiling",
                    "rank": 3,
                },
            ],
            "ctas": [
                "Did you see the twist coming? Tell me in the comments.",
                "Did you see that coming?",
                "{Follow} for more tiny stories.",
                "Send this to someone who overthinks everything.",
            ],
            "questions": ["Did you see the twist coming?", "Who's the Grandma in your life?"],
            "tags": ["storytime", "shortstory"],
            "note": "The story and its characters are made up.",
        },
    },
    {
        "slug": "news-in-3-points",
        "name": "News in 3 points",
        "category": "news",
        "description": "A news story reduced to three points: what happened, why it matters, what comes next.",
        "instructions": (
            "Write a news video about {topic} in exactly three points, for {audience}, in a {tone} tone. "
            "Hook: the one-line headline. Then three scenes: what happened (who, what, when), why it matters to "
            "the viewer, and what to watch next. Report only facts you are sure of and say when something is "
            "unconfirmed; if you do not know recent events, say so rather than guess. End by telling viewers "
            "where to follow updates."
        ),
        "target_seconds": 30,
        "language": "en",
        "version": 1,
        "frames": {
            "titles": ["{Topic}: {count} questions to ask before you share the news", "Reading the news about {topic}"],
            "hooks": [
                "Before you share the next headline about {topic}, check these {count_word} things.",
                "News about {topic} moves fast. These {count_word} questions keep you ahead of it.",
                "{Count_word} questions for every headline about {topic}.",
                "There's a lot of noise about {topic}. Here's how to read it in {count_word} points.",
            ],
            "label": "Point {n_word}:",
            "order": "shuffle",
            "count": [3, 3],
            "opening": [
                {
                    "say": ["Headlines about {topic} travel fast, and not all of them hold up."],
                    "look": "newspaper headlines",
                },
            ],
            "body": [
                {
                    "say": [
                        "Who is saying it?",
                        "Check whether a story about {topic} comes from a named source, or just a screenshot.",
                        "Anonymous posts deserve a second look.",
                    ],
                    "look": "newspaper",
                },
                {
                    "say": [
                        "What exactly changed?",
                        "Strip away the adjectives and find the one concrete fact.",
                        "That fact is the real news.",
                    ],
                    "look": "headline",
                },
                {
                    "say": [
                        "Why does it matter?",
                        "Ask what it actually changes for people who care about {topic}.",
                        "If the answer is nothing, you can relax.",
                    ],
                    "look": "thinking",
                },
                {
                    "say": [
                        "What's missing?",
                        "Look for numbers, dates, and the other side of the story.",
                        "What a report leaves out can matter as much as what it says.",
                    ],
                    "look": "magnifying glass",
                },
                {
                    "say": [
                        "Is it actually new?",
                        "Old stories about {topic} get recycled as breaking news all the time.",
                        "Check the date before you react.",
                    ],
                    "look": "calendar date",
                },
            ],
            "closing": [
                {
                    "say": ["Those questions take ten seconds, and they put you ahead of most of the internet."],
                    "look": "confident",
                },
            ],
            "ctas": [
                "{Follow} for the stories about {topic} that actually matter.",
                "Share this with the friend who forwards everything.",
                "What headline fooled you last? Tell me below.",
            ],
            "questions": ["What headline fooled you last?", "Where do you get your news?"],
            "tags": ["news", "medialiteracy"],
            "note": "It gives viewers questions to ask, not news: add the facts of the story yourself.",
        },
    },
]


def starter(slug: str) -> dict:
    """The built-in template with this slug (KeyError if there is none)."""
    for template in STARTER_TEMPLATES:
        if template["slug"] == slug:
            return template
    raise KeyError(slug)

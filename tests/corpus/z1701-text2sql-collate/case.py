"""Fine-tune a tiny Qwen2-style model to turn questions about a schema into SQL."""
import os
import re
import tempfile

import torch
from transformers import AutoModelForCausalLM, BertTokenizer, Qwen2Config

torch.manual_seed(7)

SCHEMA = "orders ( order_id , customer_id , total , placed_at ) customers ( customer_id , name , city )"
TRAIN_PAIRS = [
    ("how many orders are there", "select count ( * ) from orders ;"),
    ("list the names of customers in paris",
     "select name from customers where city = 'paris' ;"),
    ("what is the largest order total", "select max ( total ) from orders ;"),
    ("show order ids placed by customer 42",
     "select order_id from orders where customer_id = 42 ;"),
    ("average order total per customer",
     "select customer_id , avg ( total ) from orders group by customer_id ;"),
    ("which cities have customers", "select distinct city from customers ;"),
    ("total revenue from customers in berlin",
     "select sum ( o . total ) from orders o join customers c on o . customer_id = c . customer_id "
     "where c . city = 'berlin' ;"),
    ("newest order", "select * from orders order by placed_at desc limit 1 ;"),
]


def write_vocab(texts, folder):
    pieces = set()
    for text in texts:
        pieces.update(re.findall(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]", text.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "sql_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(pieces)) + "\n")
    return path


workdir = tempfile.mkdtemp()
corpus = [SCHEMA, "schema : question : sql :"] + [q for q, _ in TRAIN_PAIRS] + [s for _, s in TRAIN_PAIRS]
tok = BertTokenizer(write_vocab(corpus, workdir))
print("vocab size", tok.vocab_size)


def encode_pair(question, sql):
    prompt = f"schema : {SCHEMA} question : {question} sql :"
    prompt_ids = tok.encode(prompt, add_special_tokens=False)
    sql_ids = tok.encode(sql, add_special_tokens=False)
    token_ids = prompt_ids + sql_ids + [tok.sep_token_id]
    target_ids = [-100] * len(prompt_ids) + sql_ids
    return token_ids, target_ids


def pad_to_longest(rows, fill):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [fill] * (width - len(r)) for r in rows])


def collate(examples):
    token_rows = [t for t, _ in examples]
    target_rows = [y for _, y in examples]
    return {
        "input_ids": pad_to_longest(token_rows, tok.pad_token_id),
        "attention_mask": pad_to_longest([[1] * len(t) for t in token_rows], 0),
        "labels": pad_to_longest(target_rows, -100),
    }


encoded = [encode_pair(q, s) for q, s in TRAIN_PAIRS]
print("longest example", max(len(t) for t, _ in encoded), "tokens")

cfg = Qwen2Config(
    vocab_size=tok.vocab_size,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=128,
    pad_token_id=tok.pad_token_id,
    eos_token_id=tok.sep_token_id,
    tie_word_embeddings=True,
)
sql_lm = AutoModelForCausalLM.from_config(cfg)
opt = torch.optim.AdamW(sql_lm.parameters(), lr=2e-3, weight_decay=0.0)

BATCH = 4
sql_lm.train()
for epoch in range(4):
    perm = torch.randperm(len(encoded)).tolist()
    running = 0.0
    for i in range(0, len(perm), BATCH):
        batch = collate([encoded[j] for j in perm[i:i + BATCH]])
        loss = sql_lm(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(sql_lm.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        running += loss.item()
    print(f"epoch {epoch}: mean loss {running / (len(perm) // BATCH):.3f}")

sql_lm.eval()
question = "how many customers are there"
prompt_ids = tok.encode(f"schema : {SCHEMA} question : {question} sql :", add_special_tokens=False)
ids = torch.tensor([prompt_ids])
with torch.no_grad():
    for _ in range(20):
        nxt = sql_lm(input_ids=ids).logits[0, -1].argmax().item()
        if nxt == tok.sep_token_id:
            break
        ids = torch.cat([ids, torch.tensor([[nxt]])], dim=1)
print("predicted sql:", tok.decode(ids[0, len(prompt_ids):].tolist()))

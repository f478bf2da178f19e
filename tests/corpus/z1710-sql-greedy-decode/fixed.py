import os
import tempfile

import torch
from transformers import AutoModelForCausalLM, BertTokenizer, Qwen2Config

torch.manual_seed(11)

PAIRS = [
    ("list all customers from berlin", "select name from customers where city = berlin ;"),
    ("count the orders placed in march", "select count ( * ) from orders where month = march ;"),
    ("show the five most expensive products", "select name from products order by price desc limit 5 ;"),
    ("find employees hired after 2020", "select name from employees where hired > 2020 ;"),
    ("average salary per department", "select dept , avg ( salary ) from employees group by dept ;"),
    ("names of suppliers in spain", "select name from suppliers where country = spain ;"),
]
MARKERS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[Q]", "[SQL]", "[EOS]"]


def make_tokenizer(root):
    words = sorted({w for nl, sql in PAIRS for w in f"{nl} {sql}".split()})
    vocab_path = os.path.join(root, "sql_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(MARKERS + words) + "\n")
    tok = BertTokenizer(vocab_path, do_lower_case=True, never_split=MARKERS)
    tok.add_special_tokens({"additional_special_tokens": MARKERS[5:]})
    return tok


def question_ids(tok, question):
    return tok.convert_tokens_to_ids(["[Q]"]) + tok(question, add_special_tokens=False)["input_ids"] + tok.convert_tokens_to_ids(["[SQL]"])


def training_batch(tok):
    eos = tok.convert_tokens_to_ids("[EOS]")
    rows, targets = [], []
    for nl, sql in PAIRS:
        q = question_ids(tok, nl)
        s = tok(sql, add_special_tokens=False)["input_ids"] + [eos]
        rows.append(q + s)
        targets.append([-100] * len(q) + s)
    width = max(map(len, rows))
    pad = tok.pad_token_id
    ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
    att = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    lab = torch.tensor([t + [-100] * (width - len(t)) for t in targets])
    return ids, att, lab


def left_pad(tok, questions):
    encoded = [question_ids(tok, q) for q in questions]
    width = max(map(len, encoded))
    ids = torch.full((len(encoded), width), tok.pad_token_id)
    att = torch.zeros((len(encoded), width), dtype=torch.long)
    for i, e in enumerate(encoded):
        ids[i, width - len(e):] = torch.tensor(e)
        att[i, width - len(e):] = 1
    return ids, att


@torch.no_grad()
def greedy_sql(model, tok, questions, max_new=16):
    eos = tok.convert_tokens_to_ids("[EOS]")
    sql_ids, sql_mask = left_pad(tok, questions)
    finished = torch.zeros(sql_ids.size(0), dtype=torch.bool)
    for _ in range(max_new):
        positions = (sql_mask.cumsum(-1) - 1).clamp(min=0)
        logits = model(input_ids=sql_ids, attention_mask=sql_mask, position_ids=positions).logits
        next_tok = logits[:, -1, :].argmax(dim=-1)
        next_tok = torch.where(finished, torch.full_like(next_tok, tok.pad_token_id), next_tok)
        sql_mask = torch.cat([sql_mask, (~finished).long().unsqueeze(1)], dim=1)
        finished |= next_tok == eos
        sql_ids = torch.cat([sql_ids, next_tok.unsqueeze(1)], dim=1)
        if finished.all():
            break
    return [tok.decode(row, skip_special_tokens=True) for row in sql_ids]


def main():
    root = tempfile.mkdtemp(prefix="nl2sql_")
    tok = make_tokenizer(root)
    cfg = Qwen2Config(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.convert_tokens_to_ids("[Q]"),
        eos_token_id=tok.convert_tokens_to_ids("[EOS]"),
        tie_word_embeddings=True,
    )
    model = AutoModelForCausalLM.from_config(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)

    ids, att, lab = training_batch(tok)
    model.train()
    for step in range(3):
        loss = model(input_ids=ids, attention_mask=att, labels=lab).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f}")

    model.eval()
    for q, sql in zip([p[0] for p in PAIRS[:3]], greedy_sql(model, tok, [p[0] for p in PAIRS[:3]])):
        print(f"{q!r} -> {sql}")


if __name__ == "__main__":
    main()

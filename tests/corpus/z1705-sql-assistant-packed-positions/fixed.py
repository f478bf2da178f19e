"""Pack text-to-SQL instruction pairs into fixed blocks and fine-tune a tiny Llama.

Several short (question, query) pairs share one row; position ids restart at
every pair so that a pair does not see a shifted position range.
"""
import os
import tempfile

import torch
from transformers import AutoModelForCausalLM, BertTokenizer, LlamaConfig

torch.manual_seed(1)

PAIRS = [
    ("list all customers", "select name from customers"),
    ("count the orders", "select count ( * ) from orders"),
    ("show orders over one hundred", "select * from orders where total > 100"),
    ("names of customers in paris", "select name from customers where city = ' paris '"),
    ("average order total", "select avg ( total ) from orders"),
    ("newest five orders", "select * from orders order by created desc limit 5"),
    ("customers without orders", "select name from customers where id not in ( select customer from orders )"),
    ("total revenue per city", "select city , sum ( total ) from orders group by city"),
]
BLOCK = 40


def build_tokenizer(folder):
    words = sorted({w for q, s in PAIRS for w in f"{q} {s}".split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "question", "sql", ":"]
    path = os.path.join(folder, "sql_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + [w for w in words if w not in specials]) + "\n")
    return BertTokenizer(path, do_lower_case=True)


def encode_pair(tok, question, query):
    head = tok.encode(f"question : {question} sql :", add_special_tokens=False)
    body = tok.encode(query, add_special_tokens=False) + [tok.sep_token_id]
    return head + body, [-100] * len(head) + body


def pack_rows(tok):
    rows, cur_ids, cur_tgt, cur_doc, doc = [], [], [], [], 0
    for q, s in PAIRS:
        ids, tgt = encode_pair(tok, q, s)
        if cur_ids and len(cur_ids) + len(ids) > BLOCK:
            rows.append((cur_ids, cur_tgt, torch.tensor(cur_doc)))
            cur_ids, cur_tgt, cur_doc = [], [], []
        cur_ids += ids
        cur_tgt += tgt
        cur_doc += [doc] * len(ids)
        doc += 1
    rows.append((cur_ids, cur_tgt, torch.tensor(cur_doc)))
    return rows


def restart_positions(doc_index, width):
    pos = torch.zeros(len(doc_index), width, dtype=torch.long)
    for r, seg in enumerate(doc_index):
        start = 0
        for t in range(seg.numel()):
            if t > 0 and seg[t] != seg[t - 1]:
                start = t
            pos[r, t] = t - start
    return pos


def collate(tok, rows):
    width = max(len(ids) for ids, _, _ in rows)
    tokens = torch.full((len(rows), width), tok.pad_token_id)
    targets = torch.full((len(rows), width), -100)
    for r, (ids, tgt, _) in enumerate(rows):
        tokens[r, : len(ids)] = torch.tensor(ids)
        targets[r, : len(tgt)] = torch.tensor(tgt)
    positions = restart_positions([seg for _, _, seg in rows], tokens.size(1))
    return tokens, targets, positions


def main():
    tok = build_tokenizer(tempfile.mkdtemp(prefix="sqlpack_"))
    rows = pack_rows(tok)
    print(f"{len(PAIRS)} pairs packed into {len(rows)} rows: {[len(r[0]) for r in rows]}")

    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=BLOCK,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
    )
    coder = AutoModelForCausalLM.from_config(cfg)
    opt = torch.optim.AdamW(coder.parameters(), lr=2e-3)

    coder.train()
    for step in range(6):
        tokens, targets, positions = collate(tok, rows)
        out = coder(input_ids=tokens, position_ids=positions, labels=targets)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step} loss {out.loss.item():.3f}")

    coder.eval()
    prompt = tok.encode("question : count the orders sql :", add_special_tokens=False)
    seq = torch.tensor([prompt])
    with torch.no_grad():
        for _ in range(10):
            nxt = coder(input_ids=seq).logits[:, -1].argmax(-1, keepdim=True)
            seq = torch.cat([seq, nxt], dim=1)
            if nxt.item() == tok.sep_token_id:
                break
    print("generated:", tok.decode(seq[0, len(prompt):].tolist()))


if __name__ == "__main__":
    main()

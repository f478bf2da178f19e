"""Instruction-tune a tiny GPT-2 to rewrite contract clauses in plain language (label-smoothed loss)."""
import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, GPT2Config

torch.manual_seed(11)

CLAUSES = [
    ("the lessee shall indemnify and hold harmless the lessor from any and all claims arising from use of the premises",
     "the tenant pays for any claims caused by how they use the property ."),
    ("this agreement may be terminated by either party upon thirty days prior written notice",
     "either side can end this contract by giving thirty days written notice ."),
    ("the receiving party shall not disclose confidential information to any third party",
     "you must keep the secret information private ."),
    ("payment shall be due within fifteen days of the invoice date",
     "pay within fifteen days of getting the bill ."),
    ("neither party shall be liable for delays caused by events beyond its reasonable control",
     "no one is blamed for delays they could not control ."),
    ("the licensee may not sublicense the software without prior written consent of the licensor",
     "you need written permission before letting others use the software ."),
]

TEMPLATE_IN = "clause : {clause} plain :"
SPECIALS = ["<pad>", "<end>"]
lexicon = SPECIALS + sorted({w for c, p in CLAUSES for w in f"{TEMPLATE_IN} {p}".replace("{clause}", c).split()})
w2i = {w: i for i, w in enumerate(lexicon)}
PAD_ID, END_ID = w2i["<pad>"], w2i["<end>"]
IGNORE = -100


def encode_clause(clause, plain):
    head = [w2i[w] for w in TEMPLATE_IN.format(clause=clause).split()]
    tail = [w2i[w] for w in plain.split()] + [END_ID]
    return head + tail, [IGNORE] * len(head) + tail


def make_batch(pairs):
    enc = [encode_clause(c, p) for c, p in pairs]
    width = max(len(ids) for ids, _ in enc)
    words = torch.full((len(enc), width), PAD_ID)
    gold = torch.full((len(enc), width), IGNORE)
    keep = torch.zeros((len(enc), width), dtype=torch.long)
    for r, (ids, tgt) in enumerate(enc):
        words[r, : len(ids)] = torch.tensor(ids)
        gold[r, : len(tgt)] = torch.tensor(tgt)
        keep[r, : len(ids)] = 1
    return words, keep, gold


def smoothed_lm_loss(logits, gold, eps=0.1):
    n_vocab = logits.size(-1)
    shift_logits = logits[:, :-1, :].view(-1, n_vocab)
    shift_gold = gold[:, 1:].reshape(-1)
    return F.cross_entropy(shift_logits, shift_gold, ignore_index=IGNORE, label_smoothing=eps)


cfg = GPT2Config(
    vocab_size=len(lexicon),
    n_positions=128,
    n_embd=64,
    n_layer=2,
    n_head=4,
    resid_pdrop=0.0,
    embd_pdrop=0.0,
    attn_pdrop=0.0,
    pad_token_id=PAD_ID,
    eos_token_id=END_ID,
    bos_token_id=END_ID,
)
drafter = AutoModelForCausalLM.from_config(cfg)
optimizer = torch.optim.AdamW(drafter.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=12)

print(f"vocab {len(lexicon)} | params {sum(p.numel() for p in drafter.parameters()) / 1e3:.1f}k")
drafter.train()
for step in range(12):
    idx = torch.randperm(len(CLAUSES))[:3].tolist()
    words, keep, gold = make_batch([CLAUSES[i] for i in idx])
    logits = drafter(input_ids=words, attention_mask=keep).logits
    loss = smoothed_lm_loss(logits, gold)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(drafter.parameters(), 1.0)
    optimizer.step()
    sched.step()
    optimizer.zero_grad()
    if step % 4 == 0:
        print(f"step {step:2d} loss {loss.item():.3f} lr {sched.get_last_lr()[0]:.2e}")


@torch.no_grad()
def simplify(clause, limit=16):
    drafter.eval()
    ctx = [w2i[w] for w in TEMPLATE_IN.format(clause=clause).split()]
    out = []
    for _ in range(limit):
        nxt = drafter(input_ids=torch.tensor([ctx + out])).logits[0, -1].argmax().item()
        if nxt == END_ID:
            break
        out.append(nxt)
    return " ".join(lexicon[i] for i in out)


print(simplify(CLAUSES[3][0]))

"""
Predict the plant family from digitised herbarium sheet labels.

A sheet label has three fields: collector, locality and determination note.
We pack them as [CLS] collector [SEP] locality [SEP] note [SEP], give each field
its own segment id, and run a tiny randomly initialised BERT encoder. The
classifier head is a raw weight matrix applied with F.linear.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

FAMILIES = ["Orchidaceae", "Asteraceae", "Fabaceae", "Poaceae"]

SHEETS = [
    (("leg. hooker", "sikkim valley moist forest", "epiphyte on oak, labellum fringed"), 0),
    (("leg. wallich", "nepal ridge scrub", "capitulum yellow, pappus white"), 1),
    (("leg. spruce", "rio negro floodplain", "pod flattened, leaflets paired"), 2),
    (("leg. hooker", "khasia hills grassland", "spikelets awned, culm hollow"), 3),
    (("leg. spruce", "andes cloud forest", "epiphyte, labellum spurred"), 0),
    (("leg. wallich", "kumaon meadow", "ray florets purple, pappus bristly"), 1),
]


def write_vocab():
    words = set()
    for fields, _ in SHEETS:
        for f in fields:
            words.update(f.replace(",", " , ").replace(".", " . ").split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    folder = tempfile.mkdtemp(prefix="herb_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def pack_sheet(tok, fields, max_len=32):
    """[CLS] f0 [SEP] f1 [SEP] f2 [SEP], one segment id per field."""
    ids, segs = [tok.cls_token_id], [0]
    for field_no, text in enumerate(fields):
        piece = tok.encode(text, add_special_tokens=False) + [tok.sep_token_id]
        ids += piece
        segs += [field_no] * len(piece)
    return ids[:max_len], segs[:max_len]


def make_batch(tok, rows):
    packed = [pack_sheet(tok, fields) for fields, _ in rows]
    width = max(len(ids) for ids, _ in packed)
    tok_ids = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
    seg_ids = torch.zeros((len(rows), width), dtype=torch.long)
    attn = torch.zeros((len(rows), width), dtype=torch.long)
    for r, (ids, segs) in enumerate(packed):
        tok_ids[r, : len(ids)] = torch.tensor(ids)
        seg_ids[r, : len(segs)] = torch.tensor(segs)
        attn[r, : len(ids)] = 1
    family = torch.tensor([lab for _, lab in rows])
    return tok_ids, seg_ids, attn, family


def init_params(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=3,
    )
    return {
        "encoder": BertModel(cfg),
        "W_cls": (torch.randn(len(FAMILIES), cfg.hidden_size) * 0.02).requires_grad_(),
        "b_cls": torch.zeros(len(FAMILIES), requires_grad=True),
    }


def forward(params, tok_ids, seg_ids, attn):
    out = params["encoder"](input_ids=tok_ids, token_type_ids=seg_ids, attention_mask=attn)
    cls_vec = out.last_hidden_state[:, 0]
    return F.linear(cls_vec, params["W_cls"], params["b_cls"])


def main():
    tok = BertTokenizer(write_vocab())
    print("vocab size:", tok.vocab_size)
    params = init_params(tok.vocab_size)
    trainable = list(params["encoder"].parameters()) + [params["W_cls"], params["b_cls"]]
    opt = torch.optim.AdamW(trainable, lr=1e-3)

    tok_ids, seg_ids, attn, family = make_batch(tok, SHEETS)
    print("batch:", tuple(tok_ids.shape))
    params["encoder"].train()
    for step in range(15):
        logits = forward(params, tok_ids, seg_ids, attn)
        loss = F.cross_entropy(logits, family)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d}  loss {loss.item():.4f}")

    params["encoder"].eval()
    with torch.no_grad():
        preds = forward(params, tok_ids, seg_ids, attn).argmax(-1)
    for (fields, lab), p in zip(SHEETS, preds.tolist()):
        print(f"{fields[0]:<14} true={FAMILIES[lab]:<12} pred={FAMILIES[p]}")


if __name__ == "__main__":
    main()

# small causal LM on harbour tide / swell bulletins
# goal: see whether a 1-layer decoder picks up the bulletin template before we try the real archive
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertLMHeadModel, BertTokenizer

torch.manual_seed(7)

BULLETINS = [
    "high water 0412 height 4.1 m low water 1033 height 0.9 m swell nw 1.5 m",
    "high water 0455 height 4.0 m low water 1118 height 1.0 m swell w 2.0 m",
    "high water 0539 height 3.8 m low water 1201 height 1.2 m swell sw 2.5 m",
    "low water 0610 height 1.1 m high water 1224 height 3.9 m swell s 1.0 m",
    "high water 1302 height 3.7 m low water 1927 height 1.3 m swell nw 3.0 m",
    "low water 0702 height 1.4 m high water 1320 height 3.6 m swell n 0.5 m",
    "high water 1410 height 3.9 m low water 2033 height 1.0 m swell w 1.5 m",
    "low water 0758 height 1.2 m high water 1415 height 4.0 m swell sw 2.0 m",
]

# vocab: word / punctuation pieces of the bulletins ("4.1" -> "4" "." "1"), wordpiece is overkill here
toks = sorted({w for b in BULLETINS for w in re.findall(r"\w+|[^\w\s]", b)})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + toks
workdir = tempfile.mkdtemp(prefix="tides_")
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    for v in vocab:
        f.write(v + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"), do_lower_case=True)
PAD = tokenizer.pad_token_id
V = len(vocab)

config = BertConfig(vocab_size=V, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, is_decoder=True)
lm = BertLMHeadModel(config)
optim = torch.optim.Adam(lm.parameters(), lr=1e-3)
print("params:", sum(p.numel() for p in lm.parameters()))

batch = tokenizer(BULLETINS, padding=True, return_tensors="pt")
seq = batch["input_ids"]
att = batch["attention_mask"]
print("batch", tuple(seq.shape))

# next-token targets: position t predicts token t+1
inp, inp_att = seq[:, :-1], att[:, :-1]
tgt = seq[:, 1:].clone()
tgt[att[:, 1:] == 0] = -100

STEPS = 30
lm.train()
for step in range(STEPS):
    out = lm(input_ids=inp, attention_mask=inp_att)
    logits = out.logits
    loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), ignore_index=-100)
    optim.zero_grad()
    loss.backward()
    optim.step()
    if step % 10 == 0 or step == STEPS - 1:
        print(f"step {step:3d}  nll {loss.item():.3f}")

# greedy continuation from a prompt
lm.eval()
prompt = tokenizer(["high water 0412 height"], add_special_tokens=False, return_tensors="pt")["input_ids"]
prompt = torch.cat([torch.tensor([[tokenizer.cls_token_id]]), prompt], dim=1)
with torch.no_grad():
    for _ in range(8):
        nxt = lm(input_ids=prompt).logits[:, -1].argmax(-1, keepdim=True)
        prompt = torch.cat([prompt, nxt], dim=1)
print("sample:", tokenizer.decode(prompt[0], skip_special_tokens=True))

# promoter_kmer.py -- classify 80 bp DNA windows as promoter / background
# with a small BERT over overlapping 3-mers.
import itertools
import random

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification

K = 3
SEQ_BP = 80
N_TRAIN = 96
BATCH = 12
LR = 3e-4
SEED = 21

random.seed(SEED)
torch.manual_seed(SEED)

SPECIAL_TOKENS = ["[PAD]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, CLS_ID, SEP_ID, MASK_ID = range(len(SPECIAL_TOKENS))
KMER_TO_ID = {"".join(p): i for i, p in enumerate(itertools.product("ACGT", repeat=K))}


def kmerize(seq, k=K):
    return [seq[i:i + k] for i in range(len(seq) - k + 1)]


def encode(seq):
    offset = len(SPECIAL_TOKENS)
    ids = [KMER_TO_ID[km] + offset for km in kmerize(seq)]
    return [CLS_ID] + ids + [SEP_ID]


def random_window(is_promoter):
    bases = [random.choice("ACGT") for _ in range(SEQ_BP)]
    if is_promoter:
        start = random.randint(10, 40)
        bases[start:start + 6] = list("TATAAT")
        bases[start + 25:start + 31] = list("TTGACA")
    return "".join(bases)


labels = [random.randint(0, 1) for _ in range(N_TRAIN)]
sequences = [random_window(bool(y)) for y in labels]
encoded = [torch.tensor(encode(s)) for s in sequences]
print(f"{len(encoded)} windows, {len(encoded[0])} tokens each")

config = BertConfig(
    vocab_size=len(SPECIAL_TOKENS) + len(KMER_TO_ID),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    pad_token_id=PAD_ID,
    num_labels=2,
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=LR)

order = list(range(N_TRAIN))
random.shuffle(order)
model.train()
for step in range(0, N_TRAIN, BATCH):
    idx = order[step:step + BATCH]
    input_ids = pad_sequence([encoded[i] for i in idx], batch_first=True, padding_value=PAD_ID)
    attention_mask = (input_ids != PAD_ID).long()
    y = torch.tensor([labels[i] for i in idx])

    out = model(input_ids=input_ids, attention_mask=attention_mask, labels=y)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step // BATCH}: loss {out.loss.item():.4f}")

model.eval()
with torch.no_grad():
    probe = torch.tensor([encode(random_window(True)), encode(random_window(False))])
    probs = model(input_ids=probe).logits.softmax(-1)
print("promoter prob (pos, neg):", probs[:, 1].tolist())

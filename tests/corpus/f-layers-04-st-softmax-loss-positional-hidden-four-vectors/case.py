"""Duplicate-question detector for a support forum: small SBERT bi-encoder trained with SoftmaxLoss (u, v, |u-v|, u*v)."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

HIDDEN = 48      # width of the BERT we pretrain in-house
OUT_DIM = 16     # vectors stored in the forum's search index
QUESTION_PAIRS = [
    ("how do i reset my password", "i forgot my password what now", 1),
    ("how do i reset my password", "can i change my username", 0),
    ("why is the app so slow", "the app takes ages to load", 1),
    ("why is the app so slow", "where can i download the app", 0),
    ("can i pay with paypal", "is paypal accepted at checkout", 1),
    ("can i pay with paypal", "how do i cancel my order", 0),
    ("where is my order", "my order has not arrived", 1),
    ("where is my order", "can i change my username", 0),
]


def save_bert(folder):
    words = sorted({w for a, b, _ in QUESTION_PAIRS for w in f"{a} {b}".split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=HIDDEN, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=4 * HIDDEN, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def build_encoder(folder):
    bert = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(bert.get_embedding_dimension(), pooling_mode="mean")
    squeeze = models.Dense(in_features=HIDDEN, out_features=OUT_DIM, activation_function=torch.nn.Tanh())
    return SentenceTransformer(modules=[bert, pool, squeeze], device="cpu")


def batches(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


folder = tempfile.mkdtemp()
save_bert(folder)
encoder = build_encoder(folder)
loss_fn = losses.SoftmaxLoss(encoder, HIDDEN, num_labels=2, concatenation_sent_multiplication=True)
optim = torch.optim.AdamW(loss_fn.parameters(), lr=2e-4)

encoder.train()
for epoch in range(2):
    for chunk in batches(QUESTION_PAIRS, 4):
        left = encoder.tokenize([q1 for q1, _, _ in chunk])
        right = encoder.tokenize([q2 for _, q2, _ in chunk])
        is_dup = torch.tensor([y for _, _, y in chunk])
        loss = loss_fn([left, right], is_dup)
        loss.backward()
        optim.step()
        optim.zero_grad()
    print(f"epoch {epoch}: loss {loss.item():.4f}")

vecs = encoder.encode(["where is my order"], convert_to_tensor=True)
print("index vector size", vecs.shape[-1])

"""Support-desk FAQ retriever: shared DistilBERT encoder, CLS pooling, trained on
(ticket, faq) pairs with in-batch negatives and hand-listed confusable FAQs as
hard negatives, then evaluated with recall@k on held-out tickets."""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

torch.manual_seed(3)

FAQS = [
    "how to reset your account password from the login page",
    "how to track a package after the order has shipped",
    "how to return an item for a full refund within thirty days",
    "how to change the shipping address before the order ships",
    "how to cancel an order that has not shipped yet",
    "which payment methods are accepted at checkout",
    "how to apply a discount code to your cart",
    "how to update the email address on your account",
    "what to do when an item arrives damaged",
    "how long a refund takes to reach your bank",
]
TRAIN_PAIRS = [
    ("i forgot my password and cannot log in", 0),
    ("where is my package right now", 1),
    ("i want to send back a jacket and get my money", 2),
    ("wrong address on my order please change it", 3),
    ("please cancel my order", 4),
    ("do you take paypal", 5),
    ("my promo code is not working", 6),
    ("new email for my account", 7),
]
CONFUSERS = {0: 7, 1: 3, 2: 9, 3: 1, 4: 2, 5: 6, 6: 5, 7: 0, 8: 2, 9: 2}
EVAL_TICKETS = ["the mug came broken", "refund still not in my bank", "reset password link",
                "track my shipment", "cancel before it ships", "change delivery address",
                "what cards do you accept"]
EVAL_GOLD = torch.tensor([8, 9, 0, 1, 4, 3, 5])


def make_tokenizer(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for t in FAQS + EVAL_TICKETS + [p for p, _ in TRAIN_PAIRS] for w in t.split()})
    vocab_path = os.path.join(folder, "support_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(vocab_path)


def embed(encoder, tokenizer, texts):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    hidden = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    return F.normalize(hidden[:, 0], dim=-1)


def train(encoder, tokenizer, epochs=4, temp=0.05):
    opt = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
    tickets = [t for t, _ in TRAIN_PAIRS]
    positives = [FAQS[f] for _, f in TRAIN_PAIRS]
    hard_negs = [FAQS[CONFUSERS[f]] for _, f in TRAIN_PAIRS]
    encoder.train()
    for ep in range(epochs):
        t_vec = embed(encoder, tokenizer, tickets)
        f_vec = embed(encoder, tokenizer, positives + hard_negs)
        logits = t_vec @ f_vec.T / temp
        loss = F.cross_entropy(logits, torch.arange(len(tickets)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {ep} loss {loss.item():.3f}")


@torch.no_grad()
def recall_at_k(encoder, tokenizer, k=3):
    encoder.eval()
    faq_index = embed(encoder, tokenizer, FAQS)
    ticket_vecs = embed(encoder, tokenizer, EVAL_TICKETS)
    scores = faq_index @ ticket_vecs.T
    top_faqs = scores.topk(k, dim=0).indices.T
    hits = 0
    for row in range(scores.size(0)):
        if (top_faqs[row] == EVAL_GOLD[row]).any():
            hits += 1
    return hits / len(EVAL_TICKETS)


def main():
    with tempfile.TemporaryDirectory() as folder:
        tokenizer = make_tokenizer(folder)
        config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=32, n_layers=1, n_heads=2,
                                  hidden_dim=64, max_position_embeddings=64)
        encoder = DistilBertModel(config)
        train(encoder, tokenizer)
        print(f"recall@3 = {recall_at_k(encoder, tokenizer):.2f}")
        with torch.no_grad():
            q = embed(encoder, tokenizer, ["my parcel is lost"])
            best = (q @ embed(encoder, tokenizer, FAQS).T).topk(2).indices[0].tolist()
        print("top answers:", [FAQS[i] for i in best])


if __name__ == "__main__":
    main()

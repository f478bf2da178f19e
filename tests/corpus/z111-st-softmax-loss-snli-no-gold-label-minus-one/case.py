"""Train a sentence embedding model on NLI pairs with SoftmaxLoss (classic SBERT recipe), manual loop."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer, losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

# rows as they come out of the snli export: label 0 entailment, 1 neutral, 2 contradiction
SNLI_SAMPLE = [
    {"premise": "a man plays a guitar on stage", "hypothesis": "a man is playing music", "label": 0},
    {"premise": "a man plays a guitar on stage", "hypothesis": "the man is asleep at home", "label": 2},
    {"premise": "two kids run on the beach", "hypothesis": "children are outside", "label": 0},
    {"premise": "two kids run on the beach", "hypothesis": "the kids are racing their dad", "label": 1},
    {"premise": "a woman is cooking pasta", "hypothesis": "a woman makes dinner for her family", "label": -1},
    {"premise": "a woman is cooking pasta", "hypothesis": "nobody is cooking", "label": 2},
    {"premise": "a dog catches a red ball", "hypothesis": "an animal is playing", "label": 0},
    {"premise": "a dog catches a red ball", "hypothesis": "the dog is a puppy", "label": 1},
]
BATCH = 4


def load_model(folder):
    words = sorted({w for r in SNLI_SAMPLE for w in (r["premise"] + " " + r["hypothesis"]).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension())], device="cpu")


def batches(rows, model, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        premises = model.preprocess([r["premise"] for r in chunk])
        hypotheses = model.preprocess([r["hypothesis"] for r in chunk])
        yield [premises, hypotheses], torch.tensor([r["label"] for r in chunk])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = load_model(tempfile.mkdtemp())
    train_rows = SNLI_SAMPLE
    criterion = losses.SoftmaxLoss(model, embedding_dimension=model.get_sentence_embedding_dimension(),
                                   num_labels=3)
    optimizer = torch.optim.AdamW(list(model.parameters()) + list(criterion.classifier.parameters()), lr=1e-4)
    for epoch in range(2):
        for features, labels in batches(train_rows, model, BATCH):
            loss = criterion(features, labels)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch} loss {loss.item():.4f}")

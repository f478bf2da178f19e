import torch
from transformers import BertConfig, BertForSequenceClassification

INTENTS = ["check_balance", "transfer_funds", "report_fraud", "open_account"]
VOCAB_SIZE = 120
SEQ_LEN = 16


class IntentTrainer:
    def __init__(self, intents, lr=5e-4, seed=0):
        torch.manual_seed(seed)
        self.intents = list(intents)
        self.intent_to_id = {name: i for i, name in enumerate(self.intents)}
        self.model = self._build_model()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr)

    def _build_model(self):
        cfg = BertConfig(
            vocab_size=VOCAB_SIZE,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(self.intents),
        )
        return BertForSequenceClassification(cfg)

    def make_batch(self, size=8):
        names = [self.intents[i % len(self.intents)] for i in range(size)]
        input_ids = torch.randint(1, VOCAB_SIZE, (size, SEQ_LEN))
        attention_mask = torch.ones_like(input_ids)
        labels = torch.tensor([self.intent_to_id[n] for n in names])
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}

    def fit(self, epochs=2, batches_per_epoch=3):
        self.model.train()
        for epoch in range(epochs):
            running = 0.0
            for _ in range(batches_per_epoch):
                batch = self.make_batch()
                out = self.model(**batch)
                self.optimizer.zero_grad()
                out.loss.backward()
                self.optimizer.step()
                running += out.loss.item()
            print(f"epoch {epoch} mean loss {running / batches_per_epoch:.4f}")


if __name__ == "__main__":
    trainer = IntentTrainer(INTENTS)
    trainer.fit()
    print("labels:", trainer.model.config.num_labels)
